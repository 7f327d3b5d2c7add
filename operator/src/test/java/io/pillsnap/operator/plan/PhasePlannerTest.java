package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.spec.Metric.ANSWERED_PRECISION;
import static io.pillsnap.api.v1alpha1.spec.Metric.COVERAGE;
import static io.pillsnap.api.v1alpha1.spec.Metric.ECE;
import static io.pillsnap.api.v1alpha1.spec.Metric.LATENCY_P95_MS;
import static io.pillsnap.api.v1alpha1.spec.Metric.MAP50;
import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static io.pillsnap.api.v1alpha1.spec.Metric.UNKNOWN_REJECTION;
import static io.pillsnap.api.v1alpha1.spec.Metric.WORST_CLASS_RECALL;
import static io.pillsnap.operator.testing.Snapshots.attempts;
import static io.pillsnap.operator.testing.Snapshots.failed;
import static io.pillsnap.operator.testing.Snapshots.running;
import static io.pillsnap.operator.testing.Snapshots.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.ComparisonOperator;
import io.pillsnap.api.v1alpha1.spec.EvaluationSet;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.AttemptState;
import io.pillsnap.operator.observe.FailureKind;
import io.pillsnap.operator.observe.ObservedRun;
import io.pillsnap.operator.observe.PredecessorState;
import io.pillsnap.operator.status.StageStatusAggregator;
import io.pillsnap.operator.testing.Snapshots;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PhasePlannerTest {

    private static final String RUN1 =
            Snapshots.runId(TestStages.stage("stage2", 2).buildStored(), 1);
    private static final String RUN2 =
            Snapshots.runId(TestStages.stage("stage2", 2).buildStored(), 2);
    private static final String JOB1 = "stage2-" + RUN1 + "-a1";
    private static final PlanSettings SETTINGS =
            new PlanSettings(
                    Duration.ofSeconds(60),
                    Duration.ofHours(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30));

    @Nested
    class StartingARun {

        @Test
        void waitsUntilEveryPredecessorIsPromoted() {
            StagePlan plan =
                    plan(
                            stage2(),
                            ObservedRun.none(),
                            Snapshots.inPhase("stage1", StagePhase.Training));

            assertThat(plan.phase()).isEqualTo(StagePhase.Waiting);
            assertThat(plan.message())
                    .isEqualTo("waiting for stage 'stage1' to be Promoted (it is Training)");
            assertThat(plan.needsTrainer()).isFalse();
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.Waiting);
            assertThat(condition(plan, ConditionType.PredecessorsPromoted).reason())
                    .isEqualTo("PredecessorNotPromoted");
        }

        @Test
        void namesAMissingPredecessor() {
            StagePlan plan = plan(stage2(), ObservedRun.none(), Snapshots.missing("stage1"));

            assertThat(plan.message()).contains("it does not exist in namespace pillsnap");
            assertThat(condition(plan, ConditionType.PredecessorsPromoted).reason())
                    .isEqualTo("PredecessorNotFound");
        }

        @Test
        void rejectedPredecessorNeverUnblocks() {
            StagePlan plan =
                    plan(
                            stage2(),
                            ObservedRun.none(),
                            Snapshots.inPhase("stage1", StagePhase.Rejected));

            assertThat(plan.phase()).isEqualTo(StagePhase.Waiting);
            assertThat(plan.message())
                    .contains("it is Rejected: run it again with a new spec.rerunNonce");
        }

        @Test
        void startsTheFirstRunFromThePredecessorsWeights() {
            StagePlan plan =
                    plan(
                            stage2(),
                            ObservedRun.none(),
                            Snapshots.promoted("stage1", "pillsnap/stage1/r1-aaaa"));

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.needsTrainer()).isTrue();
            assertThat(plan.run().number()).isEqualTo(1);
            assertThat(plan.run().id()).matches("r1-[0-9a-f]{8}");
            assertThat(plan.run().attempt()).isEqualTo(1);
            assertThat(plan.run().job()).isEqualTo(JOB1);
            assertThat(plan.run().initFrom()).isEqualTo("pillsnap/stage1/r1-aaaa");
            assertThat(plan.run().artifactsPath()).isEqualTo("pillsnap/stage2/" + plan.run().id());
            assertThat(plan.run().retryLimit()).isEqualTo(3);
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.RunStarted);
        }
    }

    @Nested
    class FollowingAnAttempt {

        @Test
        void runningPodMeansTraining() {
            StagePlan plan = plan(started(), attempts(running(JOB1, 1)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Training);
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.TrainingStarted);
        }

        @Test
        void pendingPodStaysQueuedAndSaysWhyAndUntilWhen() {
            StagePlan plan = plan(started(), attempts(Snapshots.pending(JOB1, 1)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.message())
                    .contains("ImagePullBackOff")
                    .contains("the attempt fails at 2026-11-24T10:29:00Z unless its pod runs");
            assertThat(condition(plan, ConditionType.Trained).reason())
                    .isEqualTo("ImagePullBackOff");
            assertThat(plan.recheckAfter()).isEqualTo(Duration.ofSeconds(1740));
        }

        @Test
        void attemptWhosePodDoesNotStartInTimeFailsAndIsCharged() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(Snapshots.pending(JOB1, 1, Snapshots.NOW.minusSeconds(1800))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.run().attempt()).isEqualTo(2);
            assertThat(plan.run().failedAttempts()).isEqualTo(1);
            assertThat(condition(plan, ConditionType.Trained).reason()).isEqualTo("StartTimeout");
            assertThat(plan.message())
                    .contains("did not start within 1800 s (spec.resources.startTimeoutSeconds)")
                    .contains("ImagePullBackOff");
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.AttemptFailed);
        }

        @Test
        void lastAttemptThatDoesNotStartFailsTheStageWithReasonStartTimeout() {
            PillsnapStage stage = started(TestStages.stage("stage2", 2).maxRetries(0));

            StagePlan plan =
                    plan(
                            stage,
                            attempts(Snapshots.pending(JOB1, 1, Snapshots.NOW.minusSeconds(1800))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(condition(plan, ConditionType.Trained).reason()).isEqualTo("StartTimeout");
            assertThat(plan.message()).contains("no retries left");
        }

        @Test
        void suspendedJobNamesTheKueueQueue() {
            PillsnapStage stage = started(TestStages.stage("stage2", 2).queueName("gpu-queue"));

            StagePlan plan = plan(stage, attempts(Snapshots.suspended(JOB1, 1)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.message())
                    .contains("waiting for Kueue LocalQueue 'gpu-queue' to admit it");
        }

        @Test
        void jobSuspendedAgainAfterItRanWasEvictedAndIsNotCharged() {
            PillsnapStage stage = started(TestStages.stage("stage2", 2).queueName("gpu-queue"));
            stage.setStatus(stage.getStatus().toBuilder().phase(StagePhase.Training).build());

            StagePlan plan = plan(stage, attempts(Snapshots.suspended(JOB1, 1)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.run().attempt()).isEqualTo(1);
            assertThat(plan.run().evictions()).isEqualTo(1);
            assertThat(plan.run().failedAttempts()).isZero();
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.Disrupted);
        }

        @Test
        void missingJobIsQueuedForCreation() {
            StagePlan plan = plan(started(), ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.needsTrainer()).isTrue();
        }

        @Test
        void adoptsALaterAttemptCreatedBeforeARestart() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    failed(JOB1, 1, FailureKind.ERROR, 1),
                                    running("stage2-" + RUN1 + "-a2", 2)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Training);
            assertThat(plan.run().attempt()).isEqualTo(2);
            assertThat(plan.run().failedAttempts()).isEqualTo(1);
            assertThat(plan.run().resumeFrom()).endsWith("/checkpoints/last");
        }
    }

    @Nested
    class Gating {

        @Test
        void passedGatePromotesAutomatically() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(RUN1, Map.of(TOP1, 0.61)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(plan.gate().result()).isEqualTo(GateResult.Passed);
            assertThat(plan.metrics().top1()).isEqualTo(0.61);
            assertThat(plan.artifacts().exportPassed()).isTrue();
            assertThat(plan.lineage().trainerImage()).isEqualTo(Snapshots.IMAGE);
            assertThat(plan.progress().display()).isEqualTo("3/3");
            assertThat(condition(plan, ConditionType.Promoted).reason()).isEqualTo("Automatic");
            assertThat(plan.needsTrainer()).isFalse();
        }

        @Test
        void stageWithBothModelsIsNotPromotedWithoutTheDetectorsExportCheck() {
            PillsnapStage stage =
                    started(
                            TestStages.stage("stage2", 2)
                                    .detection()
                                    .criterion(TOP1, 0.4)
                                    .criterion(MAP50, 0.5));

            StagePlan plan =
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeededTwoStageWithoutDetectorCheck(
                                                    RUN1,
                                                    Map.of(TOP1, 0.7, MAP50, 0.8),
                                                    Map.of()))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.gate().result()).isEqualTo(GateResult.Inconclusive);
            assertThat(plan.gate().summary()).contains("the detector's ONNX export check");
        }

        @Test
        void failedCriterionRejects() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(RUN1, Map.of(TOP1, 0.2)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.message())
                    .isEqualTo("gate failed: top1 0.2000 is not >= 0.4000 on the test set");
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.GateFailed);
        }

        @Test
        void missingMetricIsInconclusiveNeverPassed() {
            PillsnapStage stage =
                    started(
                            TestStages.stage("stage2", 2)
                                    .detection()
                                    .criterion(TOP1, 0.4)
                                    .criterion(MAP50, 0.5));

            StagePlan plan =
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(RUN1, Map.of(TOP1, 0.9)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.gate().result()).isEqualTo(GateResult.Inconclusive);
            assertThat(condition(plan, ConditionType.GatePassed).reason())
                    .isEqualTo("Inconclusive");
        }

        @Test
        void failedExportCheckRejectsEvenWhenCriteriaHold() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeededWithFailedExport(
                                                    RUN1, Map.of(TOP1, 0.9)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.message())
                    .contains("the exported ONNX model does not match the trained model");
        }

        @Test
        void unreadableResultFailsTheRunAndNeverPasses() {
            StagePlan plan = plan(started(), attempts(succeeded(JOB1, 1, "{\"schema\":1,\"outc")));

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.gate().result()).isEqualTo(GateResult.Inconclusive);
            assertThat(condition(plan, ConditionType.Trained).reason()).isEqualTo("InvalidResult");
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.InvalidResult);
        }

        @Test
        void trainerReportedFailureFailsTheRun() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.failed("loss is NaN at epoch 3"))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.message()).contains("loss is NaN at epoch 3");
        }

        @Test
        void manualPromotionWaitsWithTheApprovalCommand() {
            PillsnapStage stage = started(TestStages.stage("stage2", 2).manualPromotion());

            StagePlan plan =
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(RUN1, Map.of(TOP1, 0.9)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Evaluating);
            assertThat(plan.message())
                    .contains("kubectl annotate ps stage2 pillsnap.io/approve=" + plan.run().id());
        }

        @Test
        void approvalOfThisRunPromotes() {
            PillsnapStage stage = awaitingApproval();
            stage.getMetadata()
                    .setAnnotations(
                            Map.of(ApiConstants.ANNOTATION_APPROVE, stage.getStatus().run().id()));

            StagePlan plan = plan(stage, ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(condition(plan, ConditionType.Promoted).reason())
                    .isEqualTo("ApprovedManually");
        }

        @Test
        void approvalOfAnotherRunIsIgnored() {
            PillsnapStage stage = awaitingApproval();
            stage.getMetadata().setAnnotations(Map.of(ApiConstants.ANNOTATION_APPROVE, "r7-0000"));

            assertThat(plan(stage, ObservedRun.none()).phase()).isEqualTo(StagePhase.Evaluating);
        }

        @Test
        void relaxedCriteriaPromoteARejectedRunWithoutRetraining() {
            PillsnapStage stage = started();
            applyPlan(
                    stage,
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(RUN1, Map.of(TOP1, 0.35))))));
            assertThat(stage.getStatus().phase()).isEqualTo(StagePhase.Rejected);

            PillsnapStage relaxed = started(TestStages.stage("stage2", 2).criterion(TOP1, 0.3));
            relaxed.setStatus(stage.getStatus());
            relaxed.getMetadata().setGeneration(2L);
            StagePlan plan = plan(relaxed, ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(plan.gate().observedGeneration()).isEqualTo(2L);
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.GateReevaluated, EventReason.Promoted);
        }
    }

    @Nested
    class GatingOnTheTestSet {

        @Test
        void testMetricsAreTheHeadlineAndTheGateReadsThem() {
            PillsnapStage stage = started();

            StagePlan plan =
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(
                                                    RUN1,
                                                    Map.of(TOP1, 0.70, LATENCY_P95_MS, 5.0),
                                                    Map.of(TOP1, 0.35)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.message())
                    .isEqualTo("gate failed: top1 0.3500 is not >= 0.4000 on the test set");
            assertThat(plan.gate().criteria())
                    .singleElement()
                    .satisfies(
                            row -> {
                                assertThat(row.actual()).isEqualTo(0.35);
                                assertThat(row.set()).isEqualTo(EvaluationSet.TEST);
                            });
            assertThat(plan.metrics())
                    .isEqualTo(
                            StageMetrics.builder()
                                    .set(EvaluationSet.TEST)
                                    .top1(0.35)
                                    .latencyP95Ms(5.0)
                                    .build());
            assertThat(plan.validationMetrics())
                    .isEqualTo(
                            StageMetrics.builder()
                                    .set(EvaluationSet.VALIDATION)
                                    .top1(0.70)
                                    .build());

            applyPlan(stage, plan);
            assertThat(stage.getStatus().metrics().evaluatedOn()).isEqualTo(EvaluationSet.TEST);
            assertThat(stage.getStatus().validationMetrics().top1()).isEqualTo(0.70);
            assertThat(stage.getStatus().lineage().testImages()).isEqualTo(300);
        }

        @Test
        void runWithoutATestSetShowsItsValidationMetricsAloneAndGatesOnlyCriteriaNamingThem() {
            PillsnapStage onValidation =
                    started(
                            TestStages.stage("stage2", 2)
                                    .criterion(TOP1, 0.4, EvaluationSet.VALIDATION));

            StagePlan plan =
                    plan(
                            onValidation,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeededWithoutTestSet(
                                                    RUN1, Map.of(TOP1, 0.61)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(plan.metrics().evaluatedOn()).isEqualTo(EvaluationSet.VALIDATION);
            assertThat(plan.validationMetrics()).isNull();
            assertThat(plan.gate().summary())
                    .isEqualTo("the criterion is met on the validation set");
        }

        @Test
        void criterionWithoutASetOnARunWithoutATestSetIsInconclusiveAndSaysWhy() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeededWithoutTestSet(
                                                    RUN1, Map.of(TOP1, 0.9)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.gate().result()).isEqualTo(GateResult.Inconclusive);
            assertThat(plan.message())
                    .contains("read the test set, but the run had none")
                    .contains("give those criteria set: validation");
        }

        @Test
        void calibrationAndNotSureMetricsAreShownAndGatedOnTheTestSet() {
            PillsnapStage stage =
                    started(
                            TestStages.stage("stage2", 2)
                                    .criterion(ECE, ComparisonOperator.AT_MOST, 0.05)
                                    .criterion(COVERAGE, 0.80)
                                    .criterion(WORST_CLASS_RECALL, 0.25));

            StagePlan plan =
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(
                                                    RUN1,
                                                    Map.of(
                                                            TOP1, 0.90,
                                                            ECE, 0.012,
                                                            COVERAGE, 0.93,
                                                            LATENCY_P95_MS, 5.0),
                                                    Map.of(
                                                            TOP1, 0.85,
                                                            ECE, 0.034,
                                                            COVERAGE, 0.82,
                                                            ANSWERED_PRECISION, 0.988,
                                                            UNKNOWN_REJECTION, 0.91,
                                                            WORST_CLASS_RECALL, 0.30)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(plan.gate().criteria())
                    .extracting(CriterionResult::op, CriterionResult::actual, CriterionResult::met)
                    .containsExactly(
                            tuple(ComparisonOperator.AT_MOST, 0.034, true),
                            tuple(ComparisonOperator.AT_LEAST, 0.82, true),
                            tuple(ComparisonOperator.AT_LEAST, 0.30, true));
            assertThat(plan.metrics())
                    .isEqualTo(
                            StageMetrics.builder()
                                    .set(EvaluationSet.TEST)
                                    .top1(0.85)
                                    .ece(0.034)
                                    .coverage(0.82)
                                    .answeredPrecision(0.988)
                                    .unknownRejection(0.91)
                                    .worstClassRecall(0.30)
                                    .latencyP95Ms(5.0)
                                    .build());
            assertThat(plan.validationMetrics())
                    .isEqualTo(
                            StageMetrics.builder()
                                    .set(EvaluationSet.VALIDATION)
                                    .top1(0.90)
                                    .ece(0.012)
                                    .coverage(0.93)
                                    .build());

            applyPlan(stage, plan);
            assertThat(stage.getStatus().metrics().ece()).isEqualTo(0.034);
            assertThat(stage.getStatus().validationMetrics().unknownRejection()).isNull();
        }

        @Test
        void overconfidentModelIsRejectedOnItsCalibrationError() {
            PillsnapStage stage =
                    started(
                            TestStages.stage("stage2", 2)
                                    .criterion(TOP1, 0.40)
                                    .criterion(ECE, ComparisonOperator.AT_MOST, 0.05));

            StagePlan plan =
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(
                                                    RUN1, Map.of(TOP1, 0.85, ECE, 0.11)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Rejected);
            assertThat(plan.message())
                    .isEqualTo("gate failed: ece 0.1100 is not <= 0.05000 on the test set");
        }

        @Test
        void changedCriteriaAreEvaluatedAgainOnBothSetsFromTheStatus() {
            PillsnapStage stage = started();
            applyPlan(
                    stage,
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(
                                                    RUN1,
                                                    Map.of(TOP1, 0.70, LATENCY_P95_MS, 5.0),
                                                    Map.of(TOP1, 0.35))))));
            assertThat(stage.getStatus().phase()).isEqualTo(StagePhase.Rejected);

            PillsnapStage onValidation =
                    started(
                            TestStages.stage("stage2", 2)
                                    .criterion(TOP1, 0.4, EvaluationSet.VALIDATION)
                                    .criterion(LATENCY_P95_MS, ComparisonOperator.AT_MOST, 10));
            onValidation.setStatus(stage.getStatus());
            onValidation.getMetadata().setGeneration(2L);
            StagePlan plan = plan(onValidation, ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(plan.gate().criteria())
                    .extracting(CriterionResult::actual, CriterionResult::set)
                    .containsExactly(tuple(0.70, EvaluationSet.VALIDATION), tuple(5.0, null));
            assertThat(plan.metrics().evaluatedOn()).isEqualTo(EvaluationSet.TEST);
        }
    }

    @Nested
    class CriteriaTheTasksCannotProduce {

        @Test
        void calibrationCriterionOnAStageWithoutAClassifierStartsNoRun() {
            PillsnapStage stage =
                    TestStages.stage("stage3", 3)
                            .detectionOnly()
                            .criterion(MAP50, 0.5)
                            .criterion(ECE, ComparisonOperator.AT_MOST, 0.05)
                            .criterion(UNKNOWN_REJECTION, 0.9)
                            .buildStored();

            StagePlan plan = plan(stage, ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.needsTrainer()).isFalse();
            assertThat(plan.message())
                    .isEqualTo(
                            "spec.successCriteria cannot be met by spec.tasks [detection]: ece"
                                    + " needs a classifier (classification in spec.tasks);"
                                    + " unknownRejection needs a classifier (classification in"
                                    + " spec.tasks). Add the task or drop the criterion; no run"
                                    + " is started until then");
        }
    }

    @Nested
    class ReadingTheResult {

        @Test
        void completedJobWhosePodHasNotReportedWaitsABoundedTime() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    Snapshots.unreported(
                                            JOB1, 1, Snapshots.NOW.minusSeconds(10), false)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Evaluating);
            assertThat(condition(plan, ConditionType.Trained).reason()).isEqualTo("AwaitingResult");
            assertThat(plan.readResult()).isFalse();
            assertThat(plan.recheckAfter()).isEqualTo(Duration.ofSeconds(50));
            assertThat(plan.message()).contains("at most 60 s");
        }

        @Test
        void pastTheWaitTheResultFileIsRead() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    Snapshots.unreported(
                                            JOB1, 1, Snapshots.NOW.minusSeconds(61), false)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Evaluating);
            assertThat(plan.readResult()).isTrue();
            assertThat(plan.run().resultReads()).isEqualTo(1);
            assertThat(plan.message()).contains(plan.run().artifactsPath() + "/result.json");
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.ReadingResult);
        }

        @Test
        void vanishedPodsResultIsReadAtOnce() {
            StagePlan plan =
                    plan(started(), attempts(Snapshots.unreported(JOB1, 1, Snapshots.NOW, true)));

            assertThat(plan.readResult()).isTrue();
        }

        @Test
        void resultReadFromTheRunFolderIsGated() {
            ObservedRun run =
                    Snapshots.withReader(
                            attempts(Snapshots.unreported(JOB1, 1, Snapshots.NOW, true)),
                            Snapshots.reader(
                                    1,
                                    AttemptState.SUCCEEDED,
                                    TestResults.succeeded(RUN1, Map.of(TOP1, 0.7)),
                                    null));

            StagePlan plan = plan(reading(1), run);

            assertThat(plan.phase()).isEqualTo(StagePhase.Promoted);
            assertThat(plan.metrics().top1()).isEqualTo(0.7);
        }

        @Test
        void readerThatFindsNoResultFileFailsTheRunNamingIt() {
            ObservedRun run =
                    Snapshots.withReader(
                            attempts(Snapshots.unreported(JOB1, 1, Snapshots.NOW, true)),
                            Snapshots.reader(
                                    1,
                                    AttemptState.FAILED,
                                    "no such file: /artifacts/x/result.json",
                                    2));

            StagePlan plan = plan(reading(1), run);

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.message())
                    .contains("left no result")
                    .contains(plan.run().artifactsPath() + "/result.json is not there")
                    .contains("no such file");
            assertThat(condition(plan, ConditionType.Trained).reason()).isEqualTo("ResultLost");
        }

        @Test
        void readerThatNeverRanIsReadAgainAfterABackoffNotTakenForALostResult() {
            ObservedRun run =
                    Snapshots.withReader(
                            attempts(Snapshots.unreported(JOB1, 1, Snapshots.NOW, true)),
                            Snapshots.readerThatNeverRan(
                                    1,
                                    "DeadlineExceeded: Job was active longer than specified"
                                            + " deadline",
                                    Snapshots.NOW.minusSeconds(10)));

            StagePlan plan = plan(reading(1), run);

            assertThat(plan.phase()).isEqualTo(StagePhase.Evaluating);
            assertThat(plan.readResult()).isFalse();
            assertThat(plan.recheckAfter()).isEqualTo(Duration.ofSeconds(20));
            assertThat(condition(plan, ConditionType.Trained))
                    .satisfies(
                            c -> {
                                assertThat(c.status()).isEqualTo("Unknown");
                                assertThat(c.reason()).isEqualTo("ResultReaderFailed");
                            });
            assertThat(plan.message())
                    .contains("not the run's")
                    .contains("DeadlineExceeded")
                    .contains("reading it again at 2026-11-24T10:00:20Z");
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.ResultReaderFailed);
        }

        @Test
        void readerThatFailedToReadIsReadAgainOnceItsBackoffPassed() {
            ObservedRun run =
                    Snapshots.withReader(
                            attempts(Snapshots.unreported(JOB1, 1, Snapshots.NOW, true)),
                            Snapshots.reader(
                                    1,
                                    AttemptState.FAILED,
                                    "cat: read error: Input/output error",
                                    1));

            StagePlan plan = plan(reading(1), run);

            assertThat(plan.phase()).isEqualTo(StagePhase.Evaluating);
            assertThat(plan.readResult()).isTrue();
            assertThat(plan.run().resultReads()).isEqualTo(2);
            assertThat(plan.message()).contains("again (read 2)").contains("Input/output error");
        }

        @Test
        void backoffBetweenReadsDoublesUpToTenMinutes() {
            assertThat(SETTINGS.readBackoff(1)).isEqualTo(Duration.ofSeconds(30));
            assertThat(SETTINGS.readBackoff(2)).isEqualTo(Duration.ofSeconds(60));
            assertThat(SETTINGS.readBackoff(4)).isEqualTo(Duration.ofSeconds(240));
            assertThat(SETTINGS.readBackoff(9)).isEqualTo(Duration.ofMinutes(10));
        }

        @Test
        void resultOfAnotherRunIsNeverUsed() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(
                                                    "r1-00000000", Map.of(TOP1, 0.9)))));

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.metrics()).isNull();
            assertThat(plan.message()).contains("run r1-00000000, not of this run " + RUN1);
        }
    }

    @Nested
    class Retrying {

        @Test
        void failedAttemptIsRetriedFromTheLastCheckpoint() {
            StagePlan plan = plan(started(), attempts(failed(JOB1, 1, FailureKind.ERROR, 1)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.run().attempt()).isEqualTo(2);
            assertThat(plan.run().job()).isEqualTo("stage2-" + RUN1 + "-a2");
            assertThat(plan.run().failedAttempts()).isEqualTo(1);
            assertThat(plan.run().resumeFrom())
                    .isEqualTo(plan.run().artifactsPath() + "/checkpoints/last");
            assertThat(plan.message()).contains("(retry 1 of 3)");
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.AttemptFailed);
        }

        @Test
        void exceededDeadlineIsChargedAndRetried() {
            StagePlan plan =
                    plan(started(), attempts(failed(JOB1, 1, FailureKind.DEADLINE_EXCEEDED, 143)));

            assertThat(plan.run().attempt()).isEqualTo(2);
            assertThat(plan.run().failedAttempts()).isEqualTo(1);
        }

        @Test
        void disruptionIsRetriedWithoutCharge() {
            StagePlan plan =
                    plan(
                            started(),
                            Snapshots.attemptsWithDisruptions(
                                    1, failed(JOB1, 1, FailureKind.DISRUPTION, 137)));

            assertThat(plan.run().attempt()).isEqualTo(2);
            assertThat(plan.run().failedAttempts()).isZero();
            assertThat(plan.run().disruptions()).isEqualTo(1);
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.Disrupted);
        }

        @Test
        void exhaustedBudgetFailsTheStage() {
            PillsnapStage stage = started(TestStages.stage("stage2", 2).maxRetries(0));

            StagePlan plan = plan(stage, attempts(failed(JOB1, 1, FailureKind.ERROR, 1)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.run().failedAttempts()).isEqualTo(1);
            assertThat(condition(plan, ConditionType.Trained).reason())
                    .isEqualTo("RetriesExhausted");
        }

        @Test
        void invalidConfigurationIsNeverRetried() {
            StagePlan plan =
                    plan(
                            started(),
                            attempts(failed(JOB1, 1, FailureKind.INVALID_CONFIGURATION, 2)));

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.run().attempt()).isEqualTo(1);
            assertThat(plan.message()).startsWith("invalid configuration (trainer exit code 2)");
            assertThat(condition(plan, ConditionType.Trained).reason())
                    .isEqualTo("InvalidConfiguration");
        }
    }

    @Nested
    class Rerunning {

        @Test
        void newNonceStartsTheNextRunAndForgetsTheOldResults() {
            PillsnapStage stage = started();
            applyPlan(
                    stage,
                    plan(
                            stage,
                            attempts(
                                    succeeded(
                                            JOB1,
                                            1,
                                            TestResults.succeeded(RUN1, Map.of(TOP1, 0.5))))));
            PillsnapStage rerun = started(TestStages.stage("stage2", 2).rerunNonce("2"));
            rerun.setStatus(stage.getStatus());

            StagePlan plan = plan(rerun, ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Queued);
            assertThat(plan.run().number()).isEqualTo(2);
            assertThat(plan.run().nonce()).isEqualTo("2");
            assertThat(plan.run().job()).isEqualTo("stage2-" + RUN2 + "-a1");
            assertThat(plan.metrics()).isNull();
            assertThat(plan.gate()).isNull();
            assertThat(plan.events())
                    .extracting(StageEvent::reason)
                    .containsExactly(EventReason.RerunRequested, EventReason.RunStarted);
        }

        @Test
        void terminalPhasesStayWithoutANewNonce() {
            PillsnapStage stage = started();
            applyPlan(stage, plan(stage, attempts(failed(JOB1, 1, FailureKind.INVALID_DATA, 3))));

            StagePlan plan = plan(stage, ObservedRun.none());

            assertThat(plan.phase()).isEqualTo(StagePhase.Failed);
            assertThat(plan.events()).isEmpty();
        }
    }

    private static PillsnapStage stage2() {
        return TestStages.stage("stage2", 2).after("stage1").initFrom("stage1").buildStored();
    }

    /** A stage whose first run has started (no predecessors). */
    private static PillsnapStage started() {
        return started(TestStages.stage("stage2", 2));
    }

    private static PillsnapStage started(TestStages.Builder builder) {
        PillsnapStage stage = builder.buildStored();
        applyPlan(stage, plan(stage, ObservedRun.none()));
        return stage;
    }

    /** A started stage whose trainer Job completed and whose result is being read. */
    private static PillsnapStage reading(int reads) {
        PillsnapStage stage = started();
        stage.setStatus(
                stage.getStatus().toBuilder()
                        .phase(StagePhase.Evaluating)
                        .run(stage.getStatus().run().toBuilder().resultReads(reads).build())
                        .build());
        return stage;
    }

    private static PillsnapStage awaitingApproval() {
        PillsnapStage stage = started(TestStages.stage("stage2", 2).manualPromotion());
        applyPlan(
                stage,
                plan(
                        stage,
                        attempts(
                                succeeded(
                                        JOB1, 1, TestResults.succeeded(RUN1, Map.of(TOP1, 0.9))))));
        assertThat(stage.getStatus().phase()).isEqualTo(StagePhase.Evaluating);
        return stage;
    }

    private static void applyPlan(PillsnapStage stage, StagePlan plan) {
        PillsnapStageStatus previous =
                stage.getStatus() == null ? PillsnapStageStatus.empty() : stage.getStatus();
        stage.setStatus(
                StageStatusAggregator.aggregate(
                        previous, plan, stage.getMetadata().getGeneration(), Snapshots.NOW));
    }

    private static StagePlan plan(
            PillsnapStage stage, ObservedRun run, PredecessorState... predecessors) {
        return PhasePlanner.plan(Snapshots.of(stage, run, predecessors), SETTINGS);
    }

    private static ConditionUpdate condition(StagePlan plan, ConditionType type) {
        return plan.conditions().stream().filter(c -> c.type() == type).findFirst().orElseThrow();
    }
}
