package io.pillsnap.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pillsnap.api.testing.CelRuleEvaluator;
import io.pillsnap.api.testing.CrdSchemaValidator;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.spec.Metric;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The CRD's CEL rules, run by a CEL engine as the API server runs them. */
class CrdRulesTest {

    private static final CelRuleEvaluator RULES =
            new CelRuleEvaluator(
                    new CrdSchemaValidator(RepoFiles.readYaml(RepoFiles.committedCrd()))
                            .openApiSchema());

    @Test
    void everyRuleCompiles() {
        assertThat(RULES.compileAll()).isGreaterThanOrEqualTo(10);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stage1.yaml", "stage2.yaml", "stage3.yaml", "stage4.yaml"})
    void sampleStagesPassEveryRule(String file) {
        assertThat(RULES.onCreate(RepoFiles.readYaml(RepoFiles.config(file)))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"e2e/images-stage.yaml", "e2e/stage-e2e.yaml"})
    void endToEndStagesPassEveryRule(String file) {
        assertThat(RULES.onCreate(RepoFiles.readYaml(RepoFiles.root().resolve(file)))).isEmpty();
    }

    @Test
    void stageMayNotWaitForItself() {
        ObjectNode stage = stage2();
        spec(stage).put("after", "stage2");

        assertThat(RULES.onCreate(stage))
                .containsExactly(".spec.after: spec.after must name another stage, not this one");
    }

    @Test
    void stageNameMustBeADnsLabelThatOtherStagesCanName() {
        ObjectNode tooLong = stage2();
        ((ObjectNode) tooLong.get("metadata")).put("name", "s".repeat(64));
        ObjectNode dotted = stage2();
        ((ObjectNode) dotted.get("metadata")).put("name", "stage.two");
        ObjectNode longest = stage2();
        ((ObjectNode) longest.get("metadata")).put("name", "s".repeat(63));

        assertThat(RULES.onCreate(tooLong))
                .singleElement()
                .asString()
                .contains("metadata.name must be a DNS label");
        assertThat(RULES.onCreate(dotted)).hasSize(1);
        assertThat(RULES.onCreate(longest)).isEmpty();
    }

    @Test
    void stageMayNotInitialiseFromItself() {
        ObjectNode stage = stage2();
        spec(stage).put("initFrom", "stage2");

        assertThat(RULES.onCreate(stage)).singleElement().asString().startsWith(".spec.initFrom:");
    }

    @Test
    void qualityThresholdIsAFraction() {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0")).put("threshold", 60.0);

        assertThat(RULES.onCreate(stage))
                .singleElement()
                .asString()
                .startsWith(
                        ".spec.successCriteria[0].threshold: the threshold of a quality metric");
    }

    @Test
    void latencyThresholdIsInMilliseconds() {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0"))
                .put("metric", "latencyP95Ms")
                .put("op", "<=")
                .put("threshold", 30.0);

        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void qualityCriterionMayNameTheSetItReads() {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0")).put("set", "test");
        ((ObjectNode) stage.at("/spec/successCriteria/1")).put("set", "validation");

        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void latencyCriterionMayNotNameASet() {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0"))
                .put("metric", "latencyP95Ms")
                .put("op", "<=")
                .put("threshold", 30.0)
                .put("set", "test");

        assertThat(RULES.onCreate(stage))
                .containsExactly(
                        ".spec.successCriteria[0].set: latencyP95Ms and throughput are measured on"
                                + " the run, not on a data set: remove 'set' from this criterion");
    }

    @Test
    void detectionCriteriaNeedTheDetectionTask() {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0")).put("metric", "mAP50");

        assertThat(RULES.onCreate(stage))
                .singleElement()
                .asString()
                .startsWith(".spec.tasks: criteria on mAP50 or mAP50-95 need 'detection'");
    }

    @Test
    void aPipelineCriterionNeedsBothTasks() {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0")).put("metric", "pipelineTop1");
        spec(stage).putArray("tasks").add("detection");

        // the stage's other criteria (top1) need the classifier too
        assertThat(RULES.onCreate(stage))
                .anySatisfy(
                        message ->
                                assertThat(message)
                                        .startsWith(
                                                ".spec.tasks: a criterion on pipelineTop1 needs"
                                                        + " both 'classification' and"
                                                        + " 'detection'"));

        spec(stage).putArray("tasks").add("classification").add("detection");
        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void moreThanOneGpuIsRefusedBecauseItWouldIdle() {
        ObjectNode stage = stage2();
        ((ObjectNode) spec(stage).get("resources")).put("gpus", 2);

        assertThat(RULES.onCreate(stage))
                .singleElement()
                .asString()
                .contains("gpus is at most 1")
                .contains("held idle");

        ((ObjectNode) spec(stage).get("resources")).put("gpus", 1);
        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void classifierCriteriaNeedTheClassificationTask() {
        ObjectNode stage = stage2();
        spec(stage).putArray("tasks").add("detection");

        assertThat(RULES.onCreate(stage))
                .singleElement()
                .asString()
                .startsWith(
                        ".spec.tasks: criteria on top1, top5, macroF1, ece, coverage,"
                                + " answeredPrecision, unknownRejection, worstClassRecall,"
                                + " latencyP95Ms or throughput need 'classification'");
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void withoutAClassifierExactlyTheClassifierMetricsAreRefused(Metric metric) {
        ObjectNode stage = stage2();
        spec(stage).putArray("tasks").add("detection");
        spec(stage)
                .putArray("successCriteria")
                .addObject()
                .put("metric", metric.key())
                .put("op", metric.defaultOperator().symbol())
                .put("threshold", metric.isFraction() ? 0.5 : 30.0);

        List<String> refusals =
                RULES.onCreate(stage).stream()
                        .filter(message -> message.contains("need 'classification'"))
                        .toList();

        if (metric.isClassification()) {
            assertThat(refusals).singleElement().asString().contains(metric.key());
        } else {
            assertThat(refusals).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void everyFractionMetricRefusesAPercentThresholdAndNamesItself(Metric metric) {
        ObjectNode stage = stage2();
        ObjectNode criterion = (ObjectNode) stage.at("/spec/successCriteria/0");
        criterion.put("metric", metric.key()).put("threshold", 60.0).remove("op");

        List<String> refusals =
                RULES.onCreate(stage).stream()
                        .filter(message -> message.contains("is a fraction within [0, 1]"))
                        .toList();

        if (metric.isFraction()) {
            assertThat(refusals).singleElement().asString().contains(metric.key());
        } else {
            assertThat(refusals).isEmpty();
        }
    }

    @Test
    void eceCriterionComparesAtMostOrLeavesTheComparisonToItsDefault() {
        ObjectNode atMost = stage2();
        ((ObjectNode) atMost.at("/spec/successCriteria/0"))
                .put("metric", "ece")
                .put("op", "<=")
                .put("threshold", 0.05);
        ObjectNode withoutOp = stage2();
        ((ObjectNode) withoutOp.at("/spec/successCriteria/0"))
                .put("metric", "ece")
                .put("threshold", 0.05)
                .remove("op");

        assertThat(RULES.onCreate(atMost)).isEmpty();
        assertThat(RULES.onCreate(withoutOp)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {">=", ">"})
    void eceCriterionThatWouldPassTheWorseCalibratedModelIsRefused(String op) {
        ObjectNode stage = stage2();
        ((ObjectNode) stage.at("/spec/successCriteria/0"))
                .put("metric", "ece")
                .put("op", op)
                .put("threshold", 0.05);

        assertThat(RULES.onCreate(stage))
                .containsExactly(
                        ".spec.successCriteria[0].op: ece is an error, lower is better: compare"
                                + " it with <= (the default when op is left out) or <, e.g."
                                + " {metric: ece, op: \"<=\", threshold: 0.05}");
    }

    @Test
    void notSureCriteriaOnBothSetsPassEveryRule() {
        ObjectNode stage = stage2();
        ArrayNode criteria = spec(stage).putArray("successCriteria");
        criteria.addObject().put("metric", "coverage").put("threshold", 0.7);
        criteria.addObject()
                .put("metric", "answeredPrecision")
                .put("op", ">=")
                .put("threshold", 0.97);
        criteria.addObject()
                .put("metric", "unknownRejection")
                .put("threshold", 0.9)
                .put("set", "test");
        criteria.addObject()
                .put("metric", "worstClassRecall")
                .put("threshold", 0.2)
                .put("set", "validation");

        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void realDatasetNeedsAClaim() {
        ObjectNode stage = stage2();
        ((ObjectNode) spec(stage).get("dataset")).remove("claimName");

        assertThat(RULES.onCreate(stage))
                .containsExactly(
                        ".spec.dataset.claimName: spec.dataset.claimName is required unless"
                                + " format is synthetic");
    }

    @Test
    void syntheticDatasetNeedsNoClaim() {
        ObjectNode stage = stage2();
        ((ObjectNode) spec(stage).get("dataset")).remove("claimName");
        ((ObjectNode) spec(stage).get("dataset")).put("format", "synthetic");

        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void trainingSettingsAreImmutable() {
        ObjectNode before = stage2();
        ObjectNode after = stage2();
        ((ObjectNode) spec(after).get("training")).put("epochs", 99);
        ((ObjectNode) spec(after).get("dataset")).put("images", 1000);
        spec(after).put("stage", 3);

        assertThat(RULES.onUpdate(before, after))
                .extracting(message -> message.substring(0, message.indexOf(':')))
                .containsExactlyInAnyOrder(".spec.stage", ".spec.dataset", ".spec.training");
        assertThat(RULES.onUpdate(before, after))
                .allSatisfy(
                        message ->
                                assertThat(message)
                                        .contains("create a new PillsnapStage")
                                        .contains("spec.rerunNonce"));
    }

    @Test
    void trainingSettingsCannotBeRemoved() {
        ObjectNode before = stage2();
        ObjectNode after = stage2();
        spec(after).remove("model");

        assertThat(RULES.onUpdate(before, after))
                .singleElement()
                .asString()
                .startsWith(".spec.model:");
    }

    @Test
    void changingTheArtifactsClaimIsRefused() {
        ObjectNode before = stage2();
        spec(before).putObject("artifacts").put("claimName", "runs-a");
        ObjectNode after = before.deepCopy();
        ((ObjectNode) spec(after).get("artifacts")).put("claimName", "runs-b");

        assertThat(RULES.onUpdate(before, after))
                .containsExactly(".spec.artifacts: " + ValidationMessages.IMMUTABLE);
    }

    @Test
    void unchangedArtifactsClaimIsAccepted() {
        ObjectNode before = stage2();
        spec(before).putObject("artifacts").put("claimName", "runs-a");
        ObjectNode after = before.deepCopy();
        spec(after).put("rerunNonce", "again");

        assertThat(RULES.onUpdate(before, after)).isEmpty();
    }

    @Test
    void stageOnTheOperatorsClaimCannotMoveToAnother() {
        ObjectNode before = stage2();
        ObjectNode after = stage2();
        spec(after).putObject("artifacts").put("claimName", "runs-b");

        assertThat(RULES.onUpdate(before, after))
                .containsExactly(".spec.artifacts: " + ValidationMessages.IMMUTABLE);
    }

    @Test
    void stageWithOnlyRequiredFieldsPassesEveryRule() {
        assertThat(RULES.onCreate(StageYaml.minimal())).isEmpty();
        assertThat(RULES.onUpdate(StageYaml.minimal(), StageYaml.minimal())).isEmpty();
    }

    @Test
    void spellingOutDefaultsIsNoChange() {
        ObjectNode after = StageYaml.minimal();
        spec(after).putArray("tasks").add("classification");
        spec(after).putObject("model").putObject("classifier").put("imageSize", 384);
        spec(after).putObject("training").put("epochs", 30).put("optimizer", "adamw");
        spec(after).putObject("artifacts");

        assertThat(RULES.onUpdate(StageYaml.minimal(), after)).isEmpty();
    }

    @Test
    void criteriaResourcesServingAndRerunNonceMayChange() {
        ObjectNode before = stage2();
        ObjectNode after = stage2();
        ((ObjectNode) after.at("/spec/successCriteria/0")).put("threshold", 0.5);
        ((ObjectNode) spec(after).get("resources")).put("gpus", 0);
        spec(after).put("rerunNonce", "again");
        spec(after).put("promotion", "Manual");

        assertThat(RULES.onUpdate(before, after)).isEmpty();
    }

    @Test
    void autoscalingOnEitherTargetPassesEveryRule() {
        ObjectNode onCpu = stage2();
        autoscaling(onCpu).put("maxReplicas", 4).put("targetCpuUtilizationPercent", 70);
        ObjectNode onInflight = stage2();
        autoscaling(onInflight)
                .put("minReplicas", 2)
                .put("maxReplicas", 2)
                .put("targetInflightRequestsPerPod", 1.5);

        assertThat(RULES.onCreate(onCpu)).isEmpty();
        assertThat(RULES.onCreate(onInflight)).isEmpty();
    }

    @Test
    void autoscalingMinimumAboveItsMaximumIsRefused() {
        ObjectNode stage = stage2();
        autoscaling(stage)
                .put("minReplicas", 5)
                .put("maxReplicas", 3)
                .put("targetCpuUtilizationPercent", 70);

        assertThat(RULES.onCreate(stage))
                .containsExactly(
                        ".spec.serving.autoscaling.minReplicas: minReplicas is more than"
                                + " maxReplicas: raise maxReplicas or lower minReplicas");
    }

    @Test
    void autoscalingWithoutMinimumIsCheckedAgainstTheDefaultOfOne() {
        ObjectNode stage = stage2();
        autoscaling(stage).put("maxReplicas", 1).put("targetCpuUtilizationPercent", 70);

        assertThat(RULES.onCreate(stage)).isEmpty();
    }

    @Test
    void autoscalingNeedsExactlyOneTarget() {
        ObjectNode neither = stage2();
        autoscaling(neither).put("maxReplicas", 3);
        ObjectNode both = stage2();
        autoscaling(both)
                .put("maxReplicas", 3)
                .put("targetCpuUtilizationPercent", 70)
                .put("targetInflightRequestsPerPod", 1.0);

        String expected =
                ".spec.serving.autoscaling: autoscaling needs exactly one target:"
                        + " targetCpuUtilizationPercent (needs only metrics-server) or"
                        + " targetInflightRequestsPerPod (needs a custom-metrics adapter, see"
                        + " docs/serving.md#autoscaling)";
        assertThat(RULES.onCreate(neither)).containsExactly(expected);
        assertThat(RULES.onCreate(both)).containsExactly(expected);
    }

    @Test
    void autoscalingMayBeAddedAndRemovedOnAServingStage() {
        ObjectNode fixed = stage2();
        ObjectNode autoscaled = stage2();
        autoscaling(autoscaled).put("maxReplicas", 4).put("targetCpuUtilizationPercent", 70);

        assertThat(RULES.onUpdate(fixed, autoscaled)).isEmpty();
        assertThat(RULES.onUpdate(autoscaled, fixed)).isEmpty();
    }

    private static ObjectNode autoscaling(ObjectNode stage) {
        return ((ObjectNode) spec(stage).get("serving")).putObject("autoscaling");
    }

    private static ObjectNode stage2() {
        return StageYaml.sample("stage2.yaml");
    }

    private static ObjectNode spec(ObjectNode stage) {
        return (ObjectNode) stage.get("spec");
    }
}
