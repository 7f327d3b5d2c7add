package io.pillsnap.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pillsnap.api.testing.CrdSchemaValidator;
import io.pillsnap.api.testing.RepoFiles;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The committed CRD's OpenAPI schema accepts the sample stages and refuses bad specs. */
class CrdSchemaTest {

    private static final CrdSchemaValidator VALIDATOR =
            new CrdSchemaValidator(RepoFiles.readYaml(RepoFiles.committedCrd()));

    @ParameterizedTest
    @ValueSource(strings = {"stage1.yaml", "stage2.yaml", "stage3.yaml", "stage4.yaml"})
    void sampleStagesAreValid(String file) {
        assertThat(VALIDATOR.validate(RepoFiles.readYaml(RepoFiles.config(file)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"e2e/images-stage.yaml", "e2e/stage-e2e.yaml"})
    void endToEndStagesAreValid(String file) {
        // the images check's mock API server does not validate: the schema is checked here
        assertThat(VALIDATOR.validate(RepoFiles.readYaml(RepoFiles.root().resolve(file))))
                .isEmpty();
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                invalid("stage above 4", s -> spec(s).put("stage", 5), "$.spec.stage"),
                invalid("stage below 1", s -> spec(s).put("stage", 0), "$.spec.stage"),
                invalid("no dataset", s -> spec(s).remove("dataset"), "dataset"),
                invalid(
                        "unknown dataset format",
                        s -> ((ObjectNode) spec(s).get("dataset")).put("format", "coco"),
                        "$.spec.dataset.format"),
                invalid(
                        "unknown metric",
                        s -> criterion(s).put("metric", "accuracy"),
                        "$.spec.successCriteria[0].metric"),
                invalid(
                        "negative threshold",
                        s -> criterion(s).put("threshold", -0.1),
                        "$.spec.successCriteria[0].threshold"),
                invalid(
                        "unknown comparison",
                        s -> criterion(s).put("op", "=="),
                        "$.spec.successCriteria[0].op"),
                invalid(
                        "unknown evaluation set",
                        s -> criterion(s).put("set", "train"),
                        "$.spec.successCriteria[0].set"),
                invalid(
                        "no criteria",
                        s -> spec(s).putArray("successCriteria"),
                        "$.spec.successCriteria"),
                invalid(
                        "criterion without threshold",
                        s -> criterion(s).remove("threshold"),
                        "threshold"),
                invalid(
                        "unknown promotion policy",
                        s -> spec(s).put("promotion", "Sometimes"),
                        "$.spec.promotion"),
                invalid(
                        "batch size neither auto nor a number",
                        s -> ((ObjectNode) spec(s).get("training")).put("batchSize", "big"),
                        "$.spec.training.batchSize"),
                invalid(
                        "zero epochs",
                        s -> ((ObjectNode) spec(s).get("training")).put("epochs", 0),
                        "$.spec.training.epochs"),
                invalid(
                        "negative GPU count",
                        s -> ((ObjectNode) spec(s).get("resources")).put("gpus", -1),
                        "$.spec.resources.gpus"),
                invalid(
                        "predecessor name that is not a DNS label",
                        s -> spec(s).put("after", "Stage_1"),
                        "$.spec.after"),
                invalid(
                        "image store outside the volume",
                        s -> ((ObjectNode) spec(s).get("dataset")).put("imageStore", "../x"),
                        "$.spec.dataset.imageStore"),
                invalid(
                        "absolute image store",
                        s -> ((ObjectNode) spec(s).get("dataset")).put("imageStore", "/etc"),
                        "$.spec.dataset.imageStore"),
                invalid(
                        "autoscaling without a maximum",
                        s ->
                                autoscaling(s)
                                        .put("minReplicas", 2)
                                        .put("targetCpuUtilizationPercent", 70),
                        "maxReplicas"),
                invalid(
                        "autoscaling to no pods",
                        s ->
                                autoscaling(s)
                                        .put("minReplicas", 0)
                                        .put("maxReplicas", 3)
                                        .put("targetCpuUtilizationPercent", 70),
                        "$.spec.serving.autoscaling.minReplicas"),
                invalid(
                        "CPU target above 100 percent of the request",
                        s ->
                                autoscaling(s)
                                        .put("maxReplicas", 3)
                                        .put("targetCpuUtilizationPercent", 150),
                        "$.spec.serving.autoscaling.targetCpuUtilizationPercent"),
                invalid(
                        "in-flight target of zero",
                        s ->
                                autoscaling(s)
                                        .put("maxReplicas", 3)
                                        .put("targetInflightRequestsPerPod", 0),
                        "$.spec.serving.autoscaling.targetInflightRequestsPerPod"),
                invalid(
                        "misspelt field",
                        s -> spec(s).set("traning", spec(s).get("training")),
                        "traning"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void refusesInvalidSpecNamingTheField(
            String name, Consumer<ObjectNode> breakIt, String offendingField) {
        ObjectNode stage = (ObjectNode) RepoFiles.readYaml(RepoFiles.config("stage2.yaml"));
        breakIt.accept(stage);

        assertThat(VALIDATOR.validate(stage))
                .as(name)
                .isNotEmpty()
                .anySatisfy(message -> assertThat(message).contains(offendingField));
    }

    private static Arguments invalid(
            String name, Consumer<ObjectNode> breakIt, String offendingField) {
        return Arguments.of(name, breakIt, offendingField);
    }

    private static ObjectNode spec(JsonNode stage) {
        return (ObjectNode) stage.get("spec");
    }

    private static ObjectNode autoscaling(JsonNode stage) {
        return ((ObjectNode) spec(stage).get("serving")).putObject("autoscaling");
    }

    private static ObjectNode criterion(JsonNode stage) {
        return (ObjectNode) stage.at("/spec/successCriteria/0");
    }
}
