package io.pillsnap.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.testing.RepoFiles;
import org.junit.jupiter.api.Test;

/** status.conditions in the committed CRD is a Kubernetes list map: one condition per type. */
class StatusConditionsSchemaTest {

    private static final JsonNode CONDITIONS =
            RepoFiles.readYaml(RepoFiles.committedCrd())
                    .at(
                            "/spec/versions/0/schema/openAPIV3Schema/properties/status/properties"
                                    + "/conditions");

    @Test
    void conditionsAreAMapListKeyedByType() {
        assertThat(CONDITIONS.path("x-kubernetes-list-type").asText()).isEqualTo("map");
        assertThat(CONDITIONS.path("x-kubernetes-list-map-keys"))
                .extracting(JsonNode::asText)
                .containsExactly("type");
    }

    @Test
    void everyConditionHasATypeAndAStatus() {
        assertThat(CONDITIONS.at("/items/required"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("type", "status");
        assertThat(CONDITIONS.at("/items/properties").has("type")).isTrue();
        assertThat(CONDITIONS.at("/items/properties").has("status")).isTrue();
    }
}
