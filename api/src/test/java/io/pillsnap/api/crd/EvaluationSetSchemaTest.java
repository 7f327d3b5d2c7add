package io.pillsnap.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.testing.RepoFiles;
import org.junit.jupiter.api.Test;

/**
 * Which held-out set the gate and the status read, as {@code kubectl explain} and {@code kubectl
 * get -o yaml} show it: spec.successCriteria[].set, status.metrics.set, status.validationMetrics.
 */
class EvaluationSetSchemaTest {

    private static final JsonNode SCHEMA =
            RepoFiles.readYaml(RepoFiles.committedCrd())
                    .at("/spec/versions/0/schema/openAPIV3Schema/properties");

    @Test
    void criterionMayNameTheSetItReads() {
        JsonNode on = SCHEMA.at("/spec/properties/successCriteria/items/properties/set");

        assertThat(on.path("enum"))
                .extracting(JsonNode::asText)
                .containsExactly("test", "validation");
        assertThat(on.has("default"))
                .as(
                        "absent means test; no default, so a stored stage says only what its author wrote")
                .isFalse();
        assertThat(on.path("description").asText())
                .contains("test (the dataset's val/ folder")
                .contains("Absent: test. A run without a test set gates Inconclusive unless the")
                .contains("Not allowed on latencyP95Ms and throughput");
    }

    @Test
    void statusMetricsSayWhichSetTheyCameFrom() {
        JsonNode set = SCHEMA.at("/status/properties/metrics/properties/set");

        assertThat(set.path("enum"))
                .extracting(JsonNode::asText)
                .containsExactly("test", "validation");
        assertThat(set.path("description").asText())
                .startsWith("Images the quality metrics were measured on");
        assertThat(SCHEMA.at("/status/properties/metrics/description").asText())
                .contains(
                        "on the test set when the run reported one, else on the validation split");
    }

    @Test
    void validationMetricsStandBesideTestMetrics() {
        JsonNode validation = SCHEMA.at("/status/properties/validationMetrics");

        assertThat(validation.path("properties").has("top1")).isTrue();
        assertThat(validation.path("description").asText())
                .contains("when metrics holds the test set's");
    }

    @Test
    void everyEvaluatedCriterionRecordsItsSet() {
        JsonNode on = SCHEMA.at("/status/properties/gate/properties/criteria/items/properties/set");

        assertThat(on.path("enum"))
                .extracting(JsonNode::asText)
                .containsExactly("test", "validation");
        assertThat(on.path("description").asText())
                .contains("absent for latencyP95Ms and throughput");
    }

    @Test
    void lineageCountsTestImages() {
        assertThat(
                        SCHEMA.at("/status/properties/lineage/properties/testImages/description")
                                .asText())
                .contains("the dataset's val/ folder");
    }
}
