package io.pillsnap.trainer.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads trainer-defaults.yaml: {@code defaults} merged with {@code stages."<n>"} for the stage. The
 * file bundled in the image is used unless another is given.
 */
public final class TrainerDefaults {

    static final String BUNDLED = "/io/pillsnap/trainer/trainer-defaults.yaml";
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private TrainerDefaults() {}

    public static TrainerSettings forStage(Path file, int stage) {
        JsonNode root;
        try (InputStream in = file == null ? bundled() : Files.newInputStream(file)) {
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw failure("cannot read", file, e);
        }
        if (root == null || !root.has("defaults")) {
            throw new ConfigException("trainer defaults " + file + " have no 'defaults' mapping");
        }
        ObjectNode merged = root.get("defaults").deepCopy();
        JsonNode override = root.path("stages").path(Integer.toString(stage));
        if (override.isObject()) {
            merge(merged, (ObjectNode) override);
        }
        try {
            return YAML.treeToValue(merged, TrainerSettings.class).validated();
        } catch (IOException | IllegalArgumentException e) {
            throw failure("invalid", file, e);
        }
    }

    private static ConfigException failure(String problem, Path file, Exception cause) {
        return new ConfigException(
                problem
                        + " trainer defaults "
                        + (file == null ? BUNDLED : file)
                        + ": "
                        + cause.getMessage(),
                cause);
    }

    private static InputStream bundled() throws IOException {
        InputStream in = TrainerDefaults.class.getResourceAsStream(BUNDLED);
        if (in == null) {
            throw new IOException("the trainer jar has no " + BUNDLED);
        }
        return in;
    }

    static void merge(ObjectNode target, ObjectNode override) {
        for (Iterator<Map.Entry<String, JsonNode>> it = override.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode existing = target.get(entry.getKey());
            if (existing instanceof ObjectNode existingObject
                    && entry.getValue() instanceof ObjectNode overrideObject) {
                merge(existingObject, overrideObject);
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        }
    }
}
