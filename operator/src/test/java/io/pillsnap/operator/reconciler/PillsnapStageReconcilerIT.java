package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.TEST;
import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.VALIDATION;
import static io.pillsnap.api.v1alpha1.spec.Metric.ANSWERED_PRECISION;
import static io.pillsnap.api.v1alpha1.spec.Metric.COVERAGE;
import static io.pillsnap.api.v1alpha1.spec.Metric.ECE;
import static io.pillsnap.api.v1alpha1.spec.Metric.MACRO_F1;
import static io.pillsnap.api.v1alpha1.spec.Metric.MAP50;
import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static io.pillsnap.api.v1alpha1.spec.Metric.UNKNOWN_REJECTION;
import static io.pillsnap.api.v1alpha1.spec.Metric.WORST_CLASS_RECALL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.ComparisonOperator;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.metrics.OperatorMetrics;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real operator against Fabric8's CRUD mock API server; Job and pod status from a fake kubelet.
 */
class PillsnapStageReconcilerIT {

    private MockCluster cluster;
    private FakeKubelet kubelet;

    @BeforeEach
    void startOperator() {
        cluster = MockCluster.create().startOperator();
        kubelet = cluster.kubelet();
    }

    @AfterEach
    void stopOperator() {
        cluster.close();
    }

    @Test
    void promotedStageStartsItsSuccessorWhichIsPromotedToo() {
        cluster.apply(TestStages.stage("stage1", 1).criterion(TOP1, 0.40).build());
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .after("stage1")
                        .initFrom("stage1")
                        .criterion(TOP1, 0.60)
                        .criterion(MACRO_F1, 0.55)
                        .build());

        PillsnapStage waiting = cluster.awaitStage("stage2", phase(StagePhase.Waiting));
        assertThat(waiting.getStatus().message()).contains("stage 'stage1' to be Promoted");
        assertThat(condition(waiting, ConditionType.PredecessorsPromoted).getStatus())
                .isEqualTo("False");

        trainAndSucceed(kubelet.awaitJob("stage1", 1, 1), Map.of(TOP1, 0.52));
        PillsnapStage stage1 = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(stage1.getStatus().gate().result()).isEqualTo(GateResult.Passed);
        assertThat(stage1.getStatus().metrics().top1()).isEqualTo(0.52);

        Job job2 = kubelet.awaitJob("stage2", 1, 1);
        assertThat(job2.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--init-from=/artifacts/" + stage1.getStatus().run().artifactsPath());
        trainAndSucceed(job2, Map.of(TOP1, 0.71, MACRO_F1, 0.66));

        PillsnapStage stage2 = cluster.awaitStage("stage2", phase(StagePhase.Promoted));
        assertThat(stage2.getStatus().gate().criteria())
                .extracting(CriterionResult::met)
                .containsExactly(true, true);
        assertThat(condition(stage2, ConditionType.Promoted).getStatus()).isEqualTo("True");
        assertThat(stage2.getStatus().lineage().initFrom())
                .isEqualTo(stage1.getStatus().run().artifactsPath());
        assertThat(stage2.getStatus().observedGeneration())
                .isEqualTo(stage2.getMetadata().getGeneration());
    }

    @Test
    void failingCriterionRejectsTheStageAndItsSuccessorKeepsWaiting() {
        cluster.apply(TestStages.stage("stage1", 1).criterion(TOP1, 0.40).build());
        cluster.apply(TestStages.stage("stage2", 2).after("stage1").build());

        trainAndSucceed(kubelet.awaitJob("stage1", 1, 1), Map.of(TOP1, 0.31));

        PillsnapStage stage1 = cluster.awaitStage("stage1", phase(StagePhase.Rejected));
        assertThat(stage1.getStatus().gate().result()).isEqualTo(GateResult.Failed);
        assertThat(stage1.getStatus().gate().criteria())
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.actual()).isEqualTo(0.31);
                            assertThat(row.threshold()).isEqualTo(0.40);
                            assertThat(row.met()).isFalse();
                        });
        assertThat(stage1.getStatus().message()).contains("top1 0.3100 is not >= 0.4000");
        PillsnapStage stage2 =
                cluster.awaitStage(
                        "stage2", s -> s.getStatus().message().contains("it is Rejected"));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> kubelet.jobs("stage2").isEmpty());
        assertThat(cluster.get("stage2").getStatus().phase()).isEqualTo(StagePhase.Waiting);
        assertThat(condition(stage2, ConditionType.PredecessorsPromoted).getReason())
                .isEqualTo("PredecessorNotPromotable");
    }

    @Test
    void testSetBelowTheThresholdRejectsTheStageThoughTheValidationSplitPasses() {
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .criterion(TOP1, 0.60)
                        .criterion(MACRO_F1, 0.55)
                        .build());

        kubelet.trainAndSucceed(
                kubelet.awaitJob("stage2", 1, 1),
                Map.of(TOP1, 0.72, MACRO_F1, 0.66),
                Map.of(TOP1, 0.57, MACRO_F1, 0.56));

        PillsnapStage stage = cluster.awaitStage("stage2", phase(StagePhase.Rejected));
        assertThat(stage.getStatus().gate().result()).isEqualTo(GateResult.Failed);
        assertThat(stage.getStatus().message())
                .isEqualTo("gate failed: top1 0.5700 is not >= 0.6000 on the test set");
        assertThat(stage.getStatus().gate().criteria())
                .extracting(CriterionResult::actual, CriterionResult::set)
                .containsExactly(tuple(0.57, TEST), tuple(0.56, TEST));
        assertThat(stage.getStatus().metrics())
                .satisfies(
                        headline -> {
                            assertThat(headline.set()).isEqualTo(TEST);
                            assertThat(headline.top1()).isEqualTo(0.57);
                            assertThat(headline.macroF1()).isEqualTo(0.56);
                        });
        assertThat(stage.getStatus().validationMetrics())
                .satisfies(
                        validation -> {
                            assertThat(validation.set()).isEqualTo(VALIDATION);
                            assertThat(validation.top1()).isEqualTo(0.72);
                            assertThat(validation.macroF1()).isEqualTo(0.66);
                        });
        assertThat(stage.getStatus().lineage().testImages()).isEqualTo(300);
        assertThat(cluster.http("/metrics").body())
                .contains(
                        "pillsnap_stage_quality{metric=\"top1\",namespace=\"pillsnap\",set=\"test\",stage=\"stage2\"} 0.57")
                .contains(
                        "pillsnap_stage_quality{metric=\"top1\",namespace=\"pillsnap\",set=\"validation\",stage=\"stage2\"} 0.72");
    }

    @Test
    void calibrationAndNotSureMetricsReachTheStatusAndAnOverconfidentModelIsRejected() {
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .criterion(TOP1, 0.60)
                        .criterion(ECE, ComparisonOperator.AT_MOST, 0.05)
                        .criterion(COVERAGE, 0.70)
                        .build());

        kubelet.trainAndSucceed(
                kubelet.awaitJob("stage2", 1, 1),
                Map.of(TOP1, 0.80, ECE, 0.021, COVERAGE, 0.88),
                Map.of(
                        TOP1, 0.74,
                        ECE, 0.063,
                        COVERAGE, 0.76,
                        ANSWERED_PRECISION, 0.985,
                        UNKNOWN_REJECTION, 0.88,
                        WORST_CLASS_RECALL, 0.35));

        PillsnapStage stage = cluster.awaitStage("stage2", phase(StagePhase.Rejected));
        assertThat(stage.getStatus().message())
                .isEqualTo("gate failed: ece 0.06300 is not <= 0.05000 on the test set");
        assertThat(stage.getStatus().gate().criteria())
                .extracting(CriterionResult::metric, CriterionResult::op, CriterionResult::met)
                .containsExactly(
                        tuple(TOP1, ComparisonOperator.AT_LEAST, true),
                        tuple(ECE, ComparisonOperator.AT_MOST, false),
                        tuple(COVERAGE, ComparisonOperator.AT_LEAST, true));
        assertThat(stage.getStatus().metrics())
                .satisfies(
                        headline -> {
                            assertThat(headline.set()).isEqualTo(TEST);
                            assertThat(headline.ece()).isEqualTo(0.063);
                            assertThat(headline.coverage()).isEqualTo(0.76);
                            assertThat(headline.answeredPrecision()).isEqualTo(0.985);
                            assertThat(headline.unknownRejection()).isEqualTo(0.88);
                            assertThat(headline.worstClassRecall()).isEqualTo(0.35);
                        });
        assertThat(stage.getStatus().validationMetrics())
                .satisfies(
                        validation -> {
                            assertThat(validation.ece()).isEqualTo(0.021);
                            assertThat(validation.coverage()).isEqualTo(0.88);
                            assertThat(validation.unknownRejection()).isNull();
                        });
        assertThat(cluster.http("/metrics").body())
                .contains(
                        "pillsnap_stage_quality{metric=\"ece\",namespace=\"pillsnap\",set=\"test\",stage=\"stage2\"} 0.063")
                .contains(
                        "pillsnap_stage_quality{metric=\"worstClassRecall\",namespace=\"pillsnap\",set=\"test\",stage=\"stage2\"} 0.35");
    }

    @Test
    void missingMetricMakesTheGateInconclusive() {
        cluster.apply(
                TestStages.stage("stage3", 3)
                        .detection()
                        .criterion(TOP1, 0.70)
                        .criterion(MAP50, 0.70)
                        .build());

        trainAndSucceed(kubelet.awaitJob("stage3", 1, 1), Map.of(TOP1, 0.80));

        PillsnapStage stage = cluster.awaitStage("stage3", phase(StagePhase.Rejected));
        assertThat(stage.getStatus().gate().result()).isEqualTo(GateResult.Inconclusive);
        assertThat(stage.getStatus().gate().criteria())
                .filteredOn(row -> row.metric() == MAP50)
                .singleElement()
                .satisfies(
                        row -> {
                            assertThat(row.actual()).isNull();
                            assertThat(row.met()).isNull();
                        });
        assertThat(stage.getStatus().message()).contains("did not report mAP50");
    }

    @Test
    void manualPromotionWaitsForApprovalOfTheRun() {
        cluster.apply(TestStages.stage("stage4", 4).criterion(TOP1, 0.5).manualPromotion().build());
        trainAndSucceed(kubelet.awaitJob("stage4", 1, 1), Map.of(TOP1, 0.93));

        PillsnapStage waiting = cluster.awaitStage("stage4", phase(StagePhase.Evaluating));
        String runId = waiting.getStatus().run().id();
        Condition promoted = condition(waiting, ConditionType.Promoted);
        assertThat(promoted.getReason()).isEqualTo("AwaitingApproval");
        assertThat(promoted.getMessage())
                .contains("kubectl annotate ps stage4 pillsnap.io/approve=" + runId);

        approve("stage4", "r9-notthisrun");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> cluster.get("stage4").getStatus().phase() == StagePhase.Evaluating);

        approve("stage4", runId);
        PillsnapStage stage = cluster.awaitStage("stage4", phase(StagePhase.Promoted));
        assertThat(condition(stage, ConditionType.Promoted).getReason())
                .isEqualTo("ApprovedManually");
    }

    @Test
    void failedAttemptIsRetriedFromTheLastCheckpoint() {
        cluster.apply(TestStages.stage("stage1", 1).maxRetries(2).build());
        Job first = kubelet.awaitJob("stage1", 1, 1);
        Pod pod = kubelet.startPod(first);
        cluster.awaitStage("stage1", phase(StagePhase.Training));
        kubelet.fail(first, pod, 1, TestResults.failed("CUDA error: an illegal memory access"));

        Job second = kubelet.awaitJob("stage1", 1, 2);
        PillsnapStage retrying = cluster.get("stage1");
        String checkpoint = retrying.getStatus().run().artifactsPath() + "/checkpoints/last";
        assertThat(second.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--resume-from=/artifacts/" + checkpoint);
        assertThat(retrying.getStatus().run().failedAttempts()).isEqualTo(1);
        assertThat(retrying.getStatus().run().resumeFrom()).isEqualTo(checkpoint);

        trainAndSucceed(second, Map.of(TOP1, 0.6));
        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(stage.getStatus().run().attempt()).isEqualTo(2);
        assertThat(stage.getStatus().run().failedAttempts()).isEqualTo(1);
        assertThat(stage.getStatus().run().retryLimit()).isEqualTo(2);
    }

    @Test
    void exhaustedRetryBudgetFailsTheStage() {
        cluster.apply(TestStages.stage("stage1", 1).maxRetries(1).build());
        failAttempt(kubelet.awaitJob("stage1", 1, 1), 1);
        failAttempt(kubelet.awaitJob("stage1", 1, 2), 137);

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Failed));
        assertThat(stage.getStatus().message()).contains("no retries left");
        assertThat(condition(stage, ConditionType.Trained).getReason())
                .isEqualTo("RetriesExhausted");
        assertThat(kubelet.jobs("stage1")).hasSize(2);
    }

    @Test
    void invalidDataFailsAtOnceWithoutRetry() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        Pod pod = kubelet.startPod(job);
        kubelet.fail(
                job,
                pod,
                3,
                TestResults.failed("dataset path /data/x has no images under train/images/single"));

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Failed));
        assertThat(stage.getStatus().message())
                .startsWith("invalid data (trainer exit code 3)")
                .contains("has no images under train/images/single");
        assertThat(condition(stage, ConditionType.Trained).getReason()).isEqualTo("InvalidData");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> kubelet.jobs("stage1").size() == 1);
    }

    @Test
    void preemptionDoesNotChargeTheRetryBudget() {
        cluster.apply(TestStages.stage("stage1", 1).maxRetries(0).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        Pod first = kubelet.startPod(job);
        cluster.awaitStage("stage1", phase(StagePhase.Training));

        kubelet.preempt(first);
        cluster.awaitStage("stage1", s -> s.getStatus().run().disruptions() == 1);
        Pod replacement = kubelet.startPod(job);
        kubelet.succeed(
                job, replacement, TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.5)));

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(stage.getStatus().run().attempt()).isEqualTo(1);
        assertThat(stage.getStatus().run().failedAttempts()).isZero();
        assertThat(stage.getStatus().run().disruptions()).isEqualTo(1);
    }

    @Test
    void preemptionThatFailsTheJobStartsAnAttemptWithoutChargingTheBudget() {
        cluster.apply(TestStages.stage("stage1", 1).maxRetries(0).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        kubelet.preemptAndFailJob(job, kubelet.startPod(job));

        Job second = kubelet.awaitJob("stage1", 1, 2);
        trainAndSucceed(second, Map.of(TOP1, 0.5));

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(stage.getStatus().run().failedAttempts()).isZero();
        assertThat(stage.getStatus().run().disruptions()).isEqualTo(1);
    }

    @Test
    void garbageTerminationMessageFailsTheRunWithAClearMessage() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        trainAndSucceedWithMessage(
                kubelet.awaitJob("stage1", 1, 1), "Segmentation fault (core dumped)");

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Failed));
        assertThat(stage.getStatus().message())
                .contains("result is unreadable")
                .contains("it starts with 'Segmentation fault (core dumped)'");
        assertThat(condition(stage, ConditionType.Trained).getReason()).isEqualTo("InvalidResult");
        assertThat(stage.getStatus().gate().result()).isEqualTo(GateResult.Inconclusive);

        String resourceVersion = stage.getMetadata().getResourceVersion();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(
                        () ->
                                cluster.get("stage1")
                                        .getMetadata()
                                        .getResourceVersion()
                                        .equals(resourceVersion));
        assertThat(cluster.http("/metrics").body())
                .doesNotContain(
                        OperatorMetrics.RECONCILIATIONS
                                + "_total{controller=\"pillsnapstage\",result=\"failure\"}");
    }

    @Test
    void restartedOperatorAdoptsTheRunningJobAndFinishesTheStage() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        Pod pod = kubelet.startPod(job);
        cluster.awaitStage("stage1", phase(StagePhase.Training));

        cluster.stopOperator();
        cluster.startOperator();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> kubelet.jobs("stage1").size() == 1);

        kubelet.succeed(job, pod, TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.5)));
        cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(kubelet.jobs("stage1")).hasSize(1);
    }

    @Test
    void newRerunNonceStartsASecondRun() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        trainAndSucceed(kubelet.awaitJob("stage1", 1, 1), Map.of(TOP1, 0.5));
        String firstRun =
                cluster.awaitStage("stage1", phase(StagePhase.Promoted)).getStatus().run().id();

        setRerunNonce("stage1", "again");

        Job second = kubelet.awaitJob("stage1", 2, 1);
        PillsnapStage queued = cluster.awaitStage("stage1", s -> s.getStatus().run().number() == 2);
        assertThat(queued.getStatus().metrics()).isNull();
        trainAndSucceed(second, Map.of(TOP1, 0.55));

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(stage.getStatus().run().id()).startsWith("r2-").isNotEqualTo(firstRun);
        assertThat(stage.getStatus().metrics().top1()).isEqualTo(0.55);
    }

    @Test
    void rerunWhileTrainingStopsTheOldJob() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job first = kubelet.awaitJob("stage1", 1, 1);
        kubelet.startPod(first);
        cluster.awaitStage("stage1", phase(StagePhase.Training));

        setRerunNonce("stage1", "2");

        kubelet.awaitJob("stage1", 2, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.findJob("stage1", 1, 1) == null);
    }

    @Test
    void metricsEndpointShowsPhasesAndQualityAfterAPromotedChain() {
        promotedStageStartsItsSuccessorWhichIsPromotedToo();

        String metrics = cluster.http("/metrics").body();

        assertThat(metrics)
                .contains("pillsnap_stages{namespace=\"pillsnap\",phase=\"Promoted\"} 2.0")
                .contains("pillsnap_stages{namespace=\"pillsnap\",phase=\"Failed\"} 0.0")
                .contains(
                        "pillsnap_stage_quality{metric=\"top1\",namespace=\"pillsnap\",set=\"validation\",stage=\"stage1\"} 0.52")
                .contains(
                        "pillsnap_stage_quality{metric=\"macroF1\",namespace=\"pillsnap\",set=\"validation\",stage=\"stage2\"} 0.66")
                .contains("pillsnap_stage_gate_evaluations_total{result=\"Passed\"} 2.0")
                .contains("pillsnap_stage_phase_duration_seconds_count{phase=\"Waiting\"} 1")
                .contains(
                        "pillsnap_operator_reconciliations_total{controller=\"pillsnapstage\",result=\"success\"}");
        assertThat(cluster.http("/healthz").statusCode()).isEqualTo(200);
        assertThat(cluster.http("/readyz").statusCode()).isEqualTo(200);
    }

    private void trainAndSucceed(
            Job job, Map<io.pillsnap.api.v1alpha1.spec.Metric, Double> metrics) {
        kubelet.trainAndSucceed(job, metrics);
    }

    private void trainAndSucceedWithMessage(Job job, String message) {
        kubelet.succeed(job, kubelet.startPod(job), message);
    }

    private void failAttempt(Job job, int exitCode) {
        kubelet.fail(job, kubelet.startPod(job), exitCode, null);
    }

    private void setRerunNonce(String stage, String nonce) {
        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName(stage)
                .edit(
                        s -> {
                            s.setSpec(
                                    TestStages.stage(stage, 1).rerunNonce(nonce).build().getSpec());
                            return s;
                        });
    }

    private void approve(String stage, String runId) {
        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName(stage)
                .edit(
                        s -> {
                            s.getMetadata()
                                    .getAnnotations()
                                    .put(ApiConstants.ANNOTATION_APPROVE, runId);
                            return s;
                        });
    }

    private static java.util.function.Predicate<PillsnapStage> phase(StagePhase phase) {
        return stage -> stage.getStatus().phase() == phase;
    }

    private static Condition condition(PillsnapStage stage, ConditionType type) {
        return stage.getStatus()
                .condition(type)
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }
}
