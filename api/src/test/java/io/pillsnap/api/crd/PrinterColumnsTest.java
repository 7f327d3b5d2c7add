package io.pillsnap.api.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.testing.RepoFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code kubectl get pillsnapstages} shows, read from the committed CRD. */
class PrinterColumnsTest {

    private static final JsonNode VERSION =
            RepoFiles.readYaml(RepoFiles.committedCrd()).at("/spec/versions/0");

    @Test
    void defaultColumnsShowPhaseProgressQualityAndGate() {
        assertThat(names(0))
                .containsExactly(
                        "STAGE",
                        "PHASE",
                        "EPOCH",
                        "PROGRESS",
                        "TOP1",
                        "MACRO-F1",
                        "MAP50",
                        "GATE",
                        "AGE");
    }

    @Test
    void wideOutputAddsDetectionPipelineCalibrationCoverageEvaluatedSetServingRunAndMessage() {
        assertThat(names(1))
                .containsExactly(
                        "MAP50-95",
                        "PIPELINE-TOP1",
                        "ECE",
                        "COVERAGE",
                        "EVALUATED-ON",
                        "SERVING",
                        "RUN",
                        "ATTEMPT",
                        "MESSAGE");
    }

    @Test
    void evaluatedOnSaysWhichSetTheQualityColumnsShow() {
        assertThat(VERSION.get("additionalPrinterColumns"))
                .filteredOn(column -> column.get("name").asText().equals("EVALUATED-ON"))
                .singleElement()
                .satisfies(
                        column -> {
                            assertThat(column.get("jsonPath").asText())
                                    .isEqualTo(".status.metrics.set");
                            assertThat(column.get("type").asText()).isEqualTo("string");
                        });
    }

    @Test
    void calibrationErrorAndCoverageColumnsShowTheHeadlineMetricsAsNumbers() {
        assertThat(VERSION.get("additionalPrinterColumns"))
                .filteredOn(
                        column -> List.of("ECE", "COVERAGE").contains(column.get("name").asText()))
                .extracting(
                        column -> column.get("jsonPath").asText(),
                        column -> column.get("type").asText())
                .containsExactly(
                        tuple(".status.metrics.ece", "number"),
                        tuple(".status.metrics.coverage", "number"));
    }

    @Test
    void everyColumnReadsAFieldOfTheSchema() {
        JsonNode schema = VERSION.at("/schema/openAPIV3Schema");
        for (JsonNode column : VERSION.get("additionalPrinterColumns")) {
            String path = column.get("jsonPath").asText();
            if (path.equals(".metadata.creationTimestamp")) {
                continue;
            }
            JsonNode node = schema;
            for (String field : path.substring(1).split("\\.")) {
                node = node.path("properties").path(field);
            }
            assertThat(node.isMissingNode())
                    .as("column %s reads %s, which the schema lacks", column.get("name"), path)
                    .isFalse();
            assertThat(column.get("type").asText())
                    .as("type of column %s and of field %s", column.get("name"), path)
                    .isEqualTo(node.get("type").asText());
        }
    }

    private static List<String> names(int priority) {
        List<String> names = new ArrayList<>();
        VERSION.get("additionalPrinterColumns")
                .forEach(
                        column -> {
                            if (column.path("priority").asInt(0) == priority) {
                                names.add(column.get("name").asText());
                            }
                        });
        return names;
    }
}
