package io.pillsnap.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.testing.SchemaDefaulter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD's schema defaults and the spec records' Java defaults agree, so the API server
 * stores what the operator would assume and an operator upgrade cannot change a stored setting.
 */
class SchemaDefaultsTest {

    private static final JsonNode SCHEMA =
            RepoFiles.readYaml(RepoFiles.committedCrd())
                    .at("/spec/versions/0/schema/openAPIV3Schema");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /**
     * Java defaults the schema cannot express (e.g. one that depends on another field), by path,
     * each with the reason.
     */
    private static final Set<String> JAVA_ONLY_DEFAULTS =
            Set.of(
                    // by the criterion's metric: <= where lower is better (ece, latencyP95Ms)
                    ".spec.successCriteria[0].op");

    @Test
    void everyJavaDefaultIsAlsoASchemaDefault() {
        assertThat(differences())
                .filteredOn(difference -> difference.bySchema().isMissingNode())
                .as("fields with a Java default but no @Default")
                .isEmpty();
    }

    @Test
    void schemaDefaultsOfAMinimalStageGiveTheJavaDefaultedSpec() {
        assertThat(differences()).isEmpty();
        assertThat(SERIALIZATION.convertValue(specDefaultedBySchema(), PillsnapStageSpec.class))
                .isEqualTo(specDefaultedByJava());
    }

    @Test
    void objectDefaultsAreEmptySoThatTheirFieldsDefaultsApply() {
        List<String> objectDefaults = new ArrayList<>();
        collectObjectDefaults(SCHEMA, "", objectDefaults);

        assertThat(objectDefaults)
                .contains(
                        ".spec.model: {}",
                        ".spec.model.classifier: {}",
                        ".spec.model.detector: {}",
                        ".spec.training: {}",
                        ".spec.resources: {}",
                        ".spec.artifacts: {}",
                        ".spec.serving: {}")
                .allSatisfy(line -> assertThat(line).endsWith(": {}"));
    }

    private record Difference(String path, JsonNode bySchema, JsonNode byJava) {
        @Override
        public String toString() {
            return path
                    + ": schema default "
                    + (bySchema.isMissingNode() ? "none" : bySchema)
                    + ", Java default "
                    + (byJava.isMissingNode() ? "none" : byJava);
        }
    }

    private static List<Difference> differences() {
        List<Difference> differences = new ArrayList<>();
        collectDifferences(
                ".spec",
                specDefaultedBySchema(),
                SERIALIZATION.convertValue(specDefaultedByJava(), JsonNode.class),
                differences);
        return differences;
    }

    private static JsonNode specDefaultedBySchema() {
        return SchemaDefaulter.withDefaults(SCHEMA, StageYaml.minimal()).get("spec");
    }

    private static PillsnapStageSpec specDefaultedByJava() {
        return SERIALIZATION.convertValue(StageYaml.minimal().get("spec"), PillsnapStageSpec.class);
    }

    private static void collectDifferences(
            String path, JsonNode bySchema, JsonNode byJava, List<Difference> differences) {
        if (JAVA_ONLY_DEFAULTS.contains(path)) {
            return;
        }
        if (bySchema.isObject() && byJava.isObject()) {
            Set<String> names = new TreeSet<>();
            bySchema.fieldNames().forEachRemaining(names::add);
            byJava.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                collectDifferences(
                        path + "." + name, bySchema.path(name), byJava.path(name), differences);
            }
        } else if (bySchema.isArray() && byJava.isArray() && bySchema.size() == byJava.size()) {
            for (int i = 0; i < bySchema.size(); i++) {
                collectDifferences(
                        path + "[" + i + "]", bySchema.get(i), byJava.get(i), differences);
            }
        } else if (!SchemaDefaulter.sameJson(bySchema, byJava)) {
            differences.add(new Difference(path, bySchema, byJava));
        }
    }

    private static void collectObjectDefaults(JsonNode schema, String path, List<String> found) {
        schema.path("properties")
                .fields()
                .forEachRemaining(
                        property -> {
                            String propertyPath = path + "." + property.getKey();
                            JsonNode propertySchema = property.getValue();
                            if (propertySchema.has("properties") && propertySchema.has("default")) {
                                found.add(propertyPath + ": " + propertySchema.get("default"));
                            }
                            collectObjectDefaults(propertySchema, propertyPath, found);
                        });
        if (schema.has("items")) {
            collectObjectDefaults(schema.get("items"), path + "[]", found);
        }
    }
}
