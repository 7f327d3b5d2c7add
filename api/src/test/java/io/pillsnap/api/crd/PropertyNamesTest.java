package io.pillsnap.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.testing.RepoFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every field of the resource can be written unquoted in YAML: kubectl and Helm parse YAML 1.1,
 * which reads keys such as {@code on} or {@code yes} as booleans, so a user's {@code on: test}
 * would reach the API server as {@code "true": test}.
 */
class PropertyNamesTest {

    private static final Set<String> YAML_1_1_BOOLEANS =
            Set.of("y", "n", "yes", "no", "true", "false", "on", "off");

    @Test
    void noPropertyNameIsAYamlBoolean() {
        List<String> booleans = new ArrayList<>();
        collect(
                RepoFiles.readYaml(RepoFiles.committedCrd())
                        .at("/spec/versions/0/schema/openAPIV3Schema"),
                "",
                booleans);

        assertThat(booleans).as("fields a YAML 1.1 parser turns into booleans").isEmpty();
    }

    private static void collect(JsonNode schema, String path, List<String> booleans) {
        schema.path("properties")
                .fields()
                .forEachRemaining(
                        property -> {
                            String propertyPath = path + "." + property.getKey();
                            if (YAML_1_1_BOOLEANS.contains(
                                    property.getKey().toLowerCase(Locale.ROOT))) {
                                booleans.add(propertyPath);
                            }
                            collect(property.getValue(), propertyPath, booleans);
                        });
        if (schema.has("items")) {
            collect(schema.get("items"), path + "[]", booleans);
        }
    }
}
