package io.pillsnap.inference.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pillsnap.api.artifact.ArtifactManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads and edits manifest.json of run folders in tests. */
public final class Manifests {

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Manifests() {}

    public static ArtifactManifest read(Path runDir) {
        try {
            return JSON.readValue(
                    runDir.resolve(ArtifactManifest.FILE).toFile(), ArtifactManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rewrites the manifest as JSON after {@code edit} changed it. */
    public static void edit(Path runDir, Consumer<ObjectNode> edit) {
        try {
            Path file = runDir.resolve(ArtifactManifest.FILE);
            ObjectNode node = (ObjectNode) JSON.readTree(file.toFile());
            edit.accept(node);
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
