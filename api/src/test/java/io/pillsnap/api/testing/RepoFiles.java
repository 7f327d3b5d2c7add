package io.pillsnap.api.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the repository that tests read: the committed CRD and the sample stages. */
public final class RepoFiles {

    public static final String CRD_FILE = "pillsnapstages.pillsnap.io-v1.yml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RepoFiles() {}

    /** The checkout root: the nearest folder upwards that holds crds/. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("crds"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no crds/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public static Path committedCrd() {
        return root().resolve("crds").resolve(CRD_FILE);
    }

    public static Path config(String fileName) {
        return root().resolve("config").resolve(fileName);
    }

    public static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readYaml(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
