package io.pillsnap.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.ObservedServing.TrackPeer;
import io.pillsnap.operator.observe.ObservedServing.TrackService;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServingPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private static final String OLD = "stage1/r1-aaaaaaaa";
    private static final String NEW = "stage2/r1-bbbbbbbb";
    private static final String NEW_DEPLOYMENT = ServingNames.deploymentName(NEW);
    private static final PlanSettings SETTINGS =
            new PlanSettings(
                    Duration.ofSeconds(60),
                    Duration.ofHours(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30));
    private static final TrackPeer STAGE1 =
            new TrackPeer("stage1", "uid-1", OLD, NOW.minusSeconds(3600), true, false);

    @Test
    void nothingToServeWithoutAPromotedModel() {
        PillsnapStage stage = TestStages.stage("stage2", 2).serving("pills", 600).buildStored();

        ServingPlan plan =
                ServingPlanner.plan(
                        stage, PillsnapStageStatus.empty(), ObservedServing.none(), NOW, SETTINGS);

        assertThat(plan.status()).isNull();
        assertThat(plan.replicas()).isEmpty();
    }

    @Test
    void newModelScalesUpButTrafficStaysUntilItsPodsAreReady() {
        ServingPlan plan = plan(stage2(null), observed(deployment(1, 0, null), servedBy(OLD)));

        assertThat(plan.status().state()).isEqualTo(ServingStatus.ROLLING_OUT);
        assertThat(plan.replicas()).containsEntry(NEW, 1);
        assertThat(plan.serviceSwitch()).isNull();
        assertThat(plan.recheckAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.status().message()).contains(OLD + " serves meanwhile");
        assertThat(reasons(plan)).containsExactly(EventReason.RolloutStarted);
    }

    @Test
    void readyModelTakesTheTrackAndRecordsTheSwitchOnTheService() {
        ServingPlan plan =
                plan(
                        stage2(rollingOutSince(NOW.minusSeconds(30))),
                        observed(deployment(1, 1, null), servedBy(OLD)));

        // recorded before the Service moves: the pass after the switch says Serving
        assertThat(plan.status().state()).isEqualTo(ServingStatus.ROLLING_OUT);
        assertThat(plan.status().message())
                .startsWith("switching track pills to " + NEW + ": 1/1 Ready pods");
        assertThat(plan.serviceSwitch().version()).isEqualTo(NEW);
        assertThat(plan.serviceSwitch().previousVersion()).isEqualTo(OLD);
        assertThat(plan.serviceSwitch().switchedAt()).isEqualTo(NOW);
        assertThat(plan.serviceSwitch().previousScaleDownAt()).isEqualTo(NOW.plusSeconds(30));
        assertThat(plan.serviceSwitch().owners())
                .extracting(OwnerReference::getName)
                .containsExactly("stage1", "stage2");
        assertThat(plan.status().previousModelVersion()).isEqualTo(OLD);
        assertThat(plan.condition().status()).isEqualTo("False");
        assertThat(reasons(plan)).containsExactly(EventReason.ServingSwitched);
    }

    @Test
    void rolloutPastItsDeadlineIsAbandonedAndThePreviousModelKeepsServing() {
        ServingPlan plan =
                plan(
                        stage2(rollingOutSince(NOW.minusSeconds(601))),
                        observed(
                                deployment(1, 0, "ImagePullBackOff: image not found"),
                                servedBy(OLD)));

        assertThat(plan.status().state()).isEqualTo(ServingStatus.ROLLOUT_FAILED);
        assertThat(plan.replicas()).containsEntry(NEW, 0);
        assertThat(plan.serviceSwitch()).isNull();
        assertThat(plan.status().message())
                .contains("were not Ready within 600 s")
                .contains("ImagePullBackOff")
                .contains(OLD + " keeps serving");
        assertThat(plan.condition().status()).isEqualTo("False");
        assertThat(reasons(plan)).containsExactly(EventReason.RolloutFailed);
    }

    @Test
    void failedRolloutIsRetriedOnlyOnceTheServingSpecChanges() {
        PillsnapStage failed = rolloutFailed(TestStages.stage("stage2", 2));
        ServingPlan same = plan(failed, observed(deployment(0, 0, null), servedBy(OLD)));

        assertThat(same.status().state()).isEqualTo(ServingStatus.ROLLOUT_FAILED);
        assertThat(same.replicas()).containsEntry(NEW, 0);

        PillsnapStage changed =
                stage2(
                        TestStages.stage("stage2", 2).serving("pills", 900),
                        failed.getStatus().serving());
        ServingPlan retried = plan(changed, observed(deployment(0, 0, null), servedBy(OLD)));

        assertThat(retried.status().state()).isEqualTo(ServingStatus.ROLLING_OUT);
        assertThat(retried.replicas()).containsEntry(NEW, 1);
        assertThat(reasons(retried)).containsExactly(EventReason.RolloutStarted);
    }

    @Test
    void disablingServingClearsAFailedRollout() {
        PillsnapStage disabled =
                stage2(
                        TestStages.stage("stage2", 2).serving("pills", 600).servingDisabled(),
                        rolloutFailed(TestStages.stage("stage2", 2)).getStatus().serving());

        ServingPlan plan = plan(disabled, observed(deployment(0, 0, null), servedBy(OLD)));

        assertThat(plan.status().state()).isEqualTo(ServingStatus.DISABLED);
    }

    @Test
    void trackWhoseServiceIsAnotherOwnersIsLeftAloneAndTriedAgainLater() {
        PillsnapStage stage = stage2(rollingOutSince(NOW.minusSeconds(30)));
        ObservedServing taken =
                new ObservedServing(
                        Map.of(NEW_DEPLOYMENT, deployment(1, 1, null)),
                        null,
                        List.of(STAGE1),
                        NOW.minusSeconds(1));

        ServingPlan plan = ServingPlanner.plan(stage, stage.getStatus(), taken, NOW, SETTINGS);

        assertThat(plan.status().state()).isEqualTo(ServingStatus.TRACK_CONFLICT);
        assertThat(plan.condition().reason()).isEqualTo(ServingStatus.TRACK_CONFLICT);
        assertThat(plan.condition().message())
                .contains("is not the operator's")
                .contains("choose another spec.serving.track");
        assertThat(plan.serviceSwitch()).isNull();
        assertThat(plan.replicas()).containsEntry(NEW, 1);
        assertThat(plan.recheckAfter()).isEqualTo(Duration.ofSeconds(49));

        ObservedServing later =
                new ObservedServing(
                        Map.of(NEW_DEPLOYMENT, deployment(1, 1, null)),
                        null,
                        List.of(STAGE1),
                        NOW.minusSeconds(50));
        assertThat(
                        ServingPlanner.plan(stage, stage.getStatus(), later, NOW, SETTINGS)
                                .serviceSwitch())
                .isNotNull();
    }

    @Test
    void supersededModelKeepsItsPodsUntilTheScaleDownTimeTheSwitchRecorded() {
        PillsnapStage stage1 = stage1Serving();
        TrackService switched =
                new TrackService(
                        NEW, OLD, NOW.minusSeconds(10), NOW.plusSeconds(20), "7", List.of());
        TrackPeer stage2 = new TrackPeer("stage2", "uid-2", NEW, NOW.minusSeconds(60), true, false);
        var deployments = Map.of(ServingNames.deploymentName(OLD), deploymentOf(OLD, 1, 1));

        ServingPlan waiting =
                ServingPlanner.plan(
                        stage1,
                        stage1.getStatus(),
                        new ObservedServing(deployments, switched, List.of(stage2), null),
                        NOW,
                        SETTINGS);

        assertThat(waiting.status().state()).isEqualTo(ServingStatus.SUPERSEDED);
        assertThat(waiting.replicas()).containsEntry(OLD, 1);
        assertThat(waiting.recheckAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(waiting.holdsTrack()).isTrue();
        assertThat(waiting.status().message()).contains("scaled to 0 at 2026-11-24T08:00:20Z");

        ServingPlan later =
                ServingPlanner.plan(
                        stage1,
                        stage1.getStatus(),
                        new ObservedServing(deployments, switched, List.of(stage2), null),
                        NOW.plusSeconds(21),
                        SETTINGS);

        assertThat(later.replicas()).containsEntry(OLD, 0);
        assertThat(later.holdsTrack()).isFalse();
    }

    @Test
    void aModelTheTrackNoLongerWantsServesUntilItsSuccessorIsReady() {
        PillsnapStage stage1 = stage1Serving();
        TrackPeer stage2 = new TrackPeer("stage2", "uid-2", NEW, NOW.minusSeconds(60), true, false);

        ServingPlan plan =
                ServingPlanner.plan(
                        stage1,
                        stage1.getStatus(),
                        new ObservedServing(
                                Map.of(ServingNames.deploymentName(OLD), deploymentOf(OLD, 1, 1)),
                                servedBy(OLD),
                                List.of(stage2),
                                null),
                        NOW,
                        SETTINGS);

        assertThat(plan.status().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(plan.replicas()).containsEntry(OLD, 1);
        assertThat(plan.recheckAfter()).isNotNull();
        assertThat(plan.status().message()).contains("serving until " + NEW);
    }

    @Test
    void previousModelIsReadFromTheServiceWhenTheStatusLostIt() {
        TrackService afterSwitch =
                new TrackService(
                        NEW, OLD, NOW.minusSeconds(5), NOW.plusSeconds(25), "8", List.of());

        ServingPlan plan =
                plan(
                        stage2(rollingOutSince(NOW.minusSeconds(30))),
                        observed(deployment(1, 1, null), afterSwitch));

        assertThat(plan.status().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(plan.serviceSwitch()).isNull();
        assertThat(plan.status().previousModelVersion()).isEqualTo(OLD);
    }

    @Test
    void deletedServingStageHoldsTheTrackUntilThePreviousModelTakesIt() {
        PillsnapStage stage2 = stage2(serving(NEW));
        stage2.getMetadata().setDeletionTimestamp(NOW.minusSeconds(1).toString());

        ServingPlan handingOver = plan(stage2, observed(deployment(1, 1, null), servedBy(NEW)));

        assertThat(handingOver.status().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(handingOver.status().message())
                .contains("being deleted: serving until " + OLD + " is ready");
        assertThat(handingOver.replicas()).containsEntry(NEW, 1);
        assertThat(handingOver.holdsTrack()).isTrue();

        ServingPlan alone =
                ServingPlanner.plan(
                        stage2,
                        stage2.getStatus(),
                        new ObservedServing(
                                Map.of(NEW_DEPLOYMENT, deploymentOf(NEW, 1, 1)),
                                servedBy(NEW),
                                List.of(),
                                null),
                        NOW,
                        SETTINGS);

        assertThat(alone.holdsTrack()).isFalse();
    }

    @Test
    void earlierRunOfTheSameStageGoesOnceItsScaleDownTimeHasPassed() {
        String firstRun = "stage2/r1-00000000";
        Map<String, ObservedServing.Deployment> deployments = new LinkedHashMap<>();
        deployments.put(ServingNames.deploymentName(firstRun), deploymentOf(firstRun, 1, 1));
        deployments.put(NEW_DEPLOYMENT, deploymentOf(NEW, 1, 1));
        TrackService switched =
                new TrackService(
                        NEW, firstRun, NOW.minusSeconds(40), NOW.minusSeconds(10), "9", List.of());

        ServingPlan plan =
                ServingPlanner.plan(
                        stage2(serving(NEW)),
                        stage2(serving(NEW)).getStatus(),
                        new ObservedServing(deployments, switched, List.of(), null),
                        NOW,
                        SETTINGS);

        assertThat(plan.deleteDeployments()).containsExactly(ServingNames.deploymentName(firstRun));
    }

    @Test
    void autoscaledModelRollsOutAtMinReplicasWithItsAutoscalerAndBudget() {
        PillsnapStage stage = stage2(autoscaled(AutoscalingSpec.onCpu(2, 6, 70)), null);

        ServingPlan plan =
                plan(
                        stage,
                        new ObservedServing(
                                Map.of(),
                                servedBy(OLD),
                                List.of(STAGE1),
                                null,
                                Set.of(),
                                Set.of()));

        assertThat(plan.status().state()).isEqualTo(ServingStatus.ROLLING_OUT);
        assertThat(plan.replicas()).containsExactly(Map.entry(NEW, 2));
        assertThat(plan.autoscaled()).containsExactly(NEW);
        assertThat(plan.disruptionBudgets()).containsExactly(NEW);
        assertThat(plan.serviceSwitch()).isNull();
        assertThat(plan.status().message()).contains("waiting for 2 Ready inference pods");
    }

    @Test
    void autoscaledModelTakesTheTrackOnceAllItsPodsAreReadyWithItsAutoscalerInPlace() {
        PillsnapStage stage =
                stage2(
                        autoscaled(AutoscalingSpec.onCpu(2, 6, 70)),
                        rollingOutSince(NOW.minusSeconds(30)));

        // it has 3 pods (the served model's size, or its HPA's count); 2 Ready are not enough
        ServingPlan waiting = plan(stage, withAutoscaler(deployment(3, 2, null), servedBy(OLD)));
        assertThat(waiting.serviceSwitch()).isNull();
        assertThat(waiting.status().message()).contains("waiting for 3 Ready inference pods");

        ServingPlan plan = plan(stage, withAutoscaler(deployment(3, 3, null), servedBy(OLD)));

        assertThat(plan.serviceSwitch().version()).isEqualTo(NEW);
        assertThat(plan.autoscaled()).containsExactly(NEW);
        assertThat(plan.replicas()).containsExactly(Map.entry(NEW, 3));
        assertThat(plan.deleteAutoscalers()).isEmpty();
        assertThat(plan.status().message()).contains("3 Ready pods (autoscaled from 2 to 6)");
    }

    @Test
    void anAutoscalerThatCannotScaleIsNamedInTheStatusWithWhereToLook() {
        PillsnapStage stage = stage2(autoscaled(AutoscalingSpec.onCpu(2, 6, 70)), serving(NEW));
        String problem =
                "FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for"
                        + " resource cpu";

        ServingPlan plan =
                plan(
                        stage,
                        new ObservedServing(
                                Map.of(NEW_DEPLOYMENT, deployment(2, 2, null)),
                                servedBy(NEW),
                                List.of(STAGE1),
                                null,
                                Set.of(NEW_DEPLOYMENT),
                                Set.of(NEW_DEPLOYMENT),
                                Map.of(NEW_DEPLOYMENT, problem)));

        assertThat(plan.status().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(plan.status().message())
                .contains("2 Ready pods (autoscaled from 2 to 6; its HorizontalPodAutoscaler")
                .contains("cannot scale, " + problem)
                .contains("kubectl describe hpa " + NEW_DEPLOYMENT)
                .contains("docs/serving.md#autoscaling-and-disruption");
        // it keeps serving: the pods are there, only their count is stuck
        assertThat(plan.autoscaled()).containsExactly(NEW);
    }

    @Test
    void newAutoscaledModelStartsAtTheServedModelsSizeWithinItsBounds() {
        PillsnapStage stage = stage2(autoscaled(AutoscalingSpec.onCpu(2, 6, 70)), null);

        // the served model's autoscaler grew it to 5: the new one starts at 5, and waits for them
        ServingPlan five = plan(stage, startingAgainst(5));
        assertThat(five.replicas()).containsExactly(Map.entry(NEW, 5));
        assertThat(five.status().message()).contains("waiting for 5 Ready inference pods");
        // never over its own maxReplicas, never under its minReplicas
        assertThat(plan(stage, startingAgainst(9)).replicas()).containsExactly(Map.entry(NEW, 6));
        assertThat(plan(stage, startingAgainst(1)).replicas()).containsExactly(Map.entry(NEW, 2));
        assertThat(plan(stage, startingAgainst(0)).replicas()).containsExactly(Map.entry(NEW, 2));

        // a model rolled back to, its Deployment at 0 since its switch away, starts there too
        ServingPlan rolledBack =
                plan(
                        stage2(autoscaled(AutoscalingSpec.onCpu(2, 6, 70)), serving(NEW)),
                        new ObservedServing(
                                Map.of(NEW_DEPLOYMENT, deployment(0, 0, null)),
                                servedBy(OLD, 5),
                                List.of(STAGE1),
                                null,
                                Set.of(),
                                Set.of()));
        assertThat(rolledBack.replicas()).containsExactly(Map.entry(NEW, 5));
        assertThat(rolledBack.status().message()).contains("waiting for 5 Ready inference pods");
    }

    @Test
    void aFixedModelKeepsItsOwnCountWhateverTheServedModelRuns() {
        PillsnapStage stage =
                stage2(
                        TestStages.stage("stage2", 2).serving("pills", 600).servingReplicas(2),
                        null);

        assertThat(plan(stage, startingAgainst(5)).replicas()).containsExactly(Map.entry(NEW, 2));
    }

    /** stage2's first look: no Deployment yet, stage1's model serves with {@code pods} pods. */
    private static ObservedServing startingAgainst(int pods) {
        return new ObservedServing(
                Map.of(), servedBy(OLD, pods), List.of(STAGE1), null, Set.of(), Set.of());
    }

    @Test
    void autoscaledModelBelowItsMinimumIsRaisedToIt() {
        PillsnapStage stage = stage2(autoscaled(AutoscalingSpec.onCpu(2, 6, 70)), serving(NEW));

        ServingPlan plan =
                plan(
                        stage,
                        new ObservedServing(
                                Map.of(NEW_DEPLOYMENT, deployment(0, 0, null)),
                                servedBy(OLD),
                                List.of(STAGE1),
                                null,
                                Set.of(),
                                Set.of()));

        assertThat(plan.replicas()).containsExactly(Map.entry(NEW, 2));
        assertThat(plan.autoscaled()).containsExactly(NEW);
    }

    @Test
    void supersededAutoscaledModelKeepsItsAutoscalerUntilItsPodsGo() {
        PillsnapStage stage1 =
                stage1Serving(
                        TestStages.stage("stage1", 1)
                                .serving("pills", 600)
                                .autoscaling(AutoscalingSpec.onInflightRequests(2, 8, 1.5)));
        TrackService switched =
                new TrackService(
                        NEW, OLD, NOW.minusSeconds(10), NOW.plusSeconds(20), "7", List.of());
        TrackPeer stage2 = new TrackPeer("stage2", "uid-2", NEW, NOW.minusSeconds(60), true, false);
        String oldName = ServingNames.deploymentName(OLD);
        ObservedServing observed =
                new ObservedServing(
                        Map.of(oldName, deploymentOf(OLD, 5, 5)),
                        switched,
                        List.of(stage2),
                        null,
                        Set.of(oldName),
                        Set.of(oldName));

        ServingPlan waiting =
                ServingPlanner.plan(stage1, stage1.getStatus(), observed, NOW, SETTINGS);

        assertThat(waiting.replicas()).containsExactly(Map.entry(OLD, 5));
        assertThat(waiting.autoscaled()).containsExactly(OLD);
        assertThat(waiting.disruptionBudgets()).containsExactly(OLD);
        assertThat(waiting.deleteAutoscalers()).isEmpty();

        ServingPlan later =
                ServingPlanner.plan(
                        stage1, stage1.getStatus(), observed, NOW.plusSeconds(21), SETTINGS);

        assertThat(later.replicas()).containsExactly(Map.entry(OLD, 0));
        assertThat(later.autoscaled()).isEmpty();
        assertThat(later.disruptionBudgets()).isEmpty();
        assertThat(later.deleteAutoscalers()).containsExactly(oldName);
        assertThat(later.deleteDisruptionBudgets()).containsExactly(oldName);
    }

    @Test
    void removingAutoscalingDeletesTheAutoscalerAndSetsTheFixedReplicasAgain() {
        PillsnapStage stage = stage2(serving(NEW));

        ServingPlan plan = plan(stage, withAutoscaler(deployment(4, 4, null), servedBy(NEW)));

        assertThat(plan.replicas()).containsExactly(Map.entry(NEW, 1));
        assertThat(plan.autoscaled()).isEmpty();
        assertThat(plan.deleteAutoscalers()).containsExactly(NEW_DEPLOYMENT);
        // one fixed pod: a budget would block every drain of its node
        assertThat(plan.disruptionBudgets()).isEmpty();
        assertThat(plan.deleteDisruptionBudgets()).containsExactly(NEW_DEPLOYMENT);
    }

    @Test
    void fixedModelGetsADisruptionBudgetOnlyFromTwoPods() {
        PillsnapStage two =
                stage2(
                        TestStages.stage("stage2", 2).serving("pills", 600).servingReplicas(2),
                        serving(NEW));
        PillsnapStage one = stage2(serving(NEW));

        ServingPlan withTwo = plan(two, observed(deployment(2, 2, null), servedBy(NEW)));
        ServingPlan withOne = plan(one, observed(deployment(1, 1, null), servedBy(NEW)));

        assertThat(withTwo.disruptionBudgets()).containsExactly(NEW);
        assertThat(withTwo.autoscaled()).isEmpty();
        assertThat(withOne.disruptionBudgets()).isEmpty();
        assertThat(withOne.autoscaled()).isEmpty();
    }

    @Test
    void earlierRunKeepsItsAutoscalerWhileItServesAndTheRerunRollsOut() {
        String firstRun = "stage2/r1-00000000";
        String firstName = ServingNames.deploymentName(firstRun);
        Map<String, ObservedServing.Deployment> deployments = new LinkedHashMap<>();
        deployments.put(firstName, deploymentOf(firstRun, 4, 4));
        deployments.put(NEW_DEPLOYMENT, deploymentOf(NEW, 2, 0));
        PillsnapStage stage =
                stage2(
                        autoscaled(AutoscalingSpec.onCpu(2, 6, 70)),
                        rollingOutSince(NOW.minusSeconds(30)));

        ServingPlan plan =
                plan(
                        stage,
                        new ObservedServing(
                                deployments,
                                servedBy(firstRun),
                                List.of(),
                                null,
                                Set.of(firstName, NEW_DEPLOYMENT),
                                Set.of(firstName, NEW_DEPLOYMENT)));

        assertThat(plan.autoscaled()).containsExactlyInAnyOrder(firstRun, NEW);
        assertThat(plan.disruptionBudgets()).containsExactlyInAnyOrder(firstRun, NEW);
        assertThat(plan.deleteAutoscalers()).isEmpty();
        assertThat(plan.replicas()).containsOnlyKeys(NEW);
    }

    private static TestStages.Builder autoscaled(AutoscalingSpec autoscaling) {
        return TestStages.stage("stage2", 2).serving("pills", 600).autoscaling(autoscaling);
    }

    private static ServingPlan plan(PillsnapStage stage, ObservedServing observed) {
        return ServingPlanner.plan(stage, stage.getStatus(), observed, NOW, SETTINGS);
    }

    /** stage2 promoted as NEW, with {@code serving} as its serving status. */
    private static PillsnapStage stage2(ServingStatus serving) {
        return stage2(TestStages.stage("stage2", 2).serving("pills", 600), serving);
    }

    private static PillsnapStage stage2(TestStages.Builder builder, ServingStatus serving) {
        PillsnapStage stage = builder.buildStored();
        stage.getMetadata().setUid("uid-2");
        stage.setStatus(promoted("r1-bbbbbbbb", serving));
        return stage;
    }

    private static PillsnapStage stage1Serving() {
        return stage1Serving(TestStages.stage("stage1", 1).serving("pills", 600));
    }

    private static PillsnapStage stage1Serving(TestStages.Builder builder) {
        PillsnapStage stage = builder.buildStored();
        stage.getMetadata().setUid("uid-1");
        ServingStatus serving =
                new ServingStatus(
                        ServingStatus.SERVING,
                        NOW.minusSeconds(3000).toString(),
                        "1/1 Ready pods serve track pills",
                        ServingNames.deploymentName(OLD),
                        "pills",
                        1,
                        OLD,
                        null,
                        NOW.minusSeconds(3600).toString(),
                        ServingNames.specHash(stage.getSpec().serving()));
        stage.setStatus(promoted("r1-aaaaaaaa", serving));
        return stage;
    }

    private static PillsnapStageStatus promoted(String runId, ServingStatus serving) {
        return PillsnapStageStatus.empty().toBuilder()
                .phase(StagePhase.Promoted)
                .observedGeneration(1L)
                .run(
                        RunStatus.builder()
                                .id(runId)
                                .number(1)
                                .attempt(1)
                                .failedAttempts(0)
                                .retryLimit(3)
                                .disruptions(0)
                                .build())
                .serving(serving)
                .build();
    }

    private static ServingStatus rollingOutSince(Instant since) {
        return new ServingStatus(
                ServingStatus.ROLLING_OUT,
                since.toString(),
                "waiting",
                NEW_DEPLOYMENT,
                "pills",
                0,
                NEW,
                null,
                NOW.minusSeconds(900).toString(),
                null);
    }

    private static ServingStatus serving(String version) {
        return new ServingStatus(
                ServingStatus.SERVING,
                NOW.minusSeconds(100).toString(),
                "serving",
                ServingNames.deploymentName(version),
                "pills",
                1,
                version,
                null,
                NOW.minusSeconds(900).toString(),
                null);
    }

    /** The status after a rollout of NEW failed, with {@code builder}'s serving spec. */
    private static PillsnapStage rolloutFailed(TestStages.Builder builder) {
        PillsnapStage stage = builder.serving("pills", 600).buildStored();
        ServingStatus failed =
                new ServingStatus(
                        ServingStatus.ROLLOUT_FAILED,
                        NOW.minusSeconds(60).toString(),
                        "the inference pods of " + NEW + " were not Ready within 600 s",
                        NEW_DEPLOYMENT,
                        "pills",
                        0,
                        NEW,
                        null,
                        NOW.minusSeconds(900).toString(),
                        ServingNames.specHash(stage.getSpec().serving()));
        stage.getMetadata().setUid("uid-2");
        stage.setStatus(promoted("r1-bbbbbbbb", failed));
        return stage;
    }

    private static TrackService servedBy(String version) {
        return servedBy(version, 0);
    }

    /** {@code version} serves the track with {@code pods} pods. */
    private static TrackService servedBy(String version, int pods) {
        return new TrackService(version, null, NOW.minusSeconds(3000), null, "1", List.of(), pods);
    }

    private static ObservedServing.Deployment deployment(int replicas, int ready, String waiting) {
        return new ObservedServing.Deployment(NEW_DEPLOYMENT, NEW, replicas, ready, waiting);
    }

    private static ObservedServing.Deployment deploymentOf(
            String version, int replicas, int ready) {
        return new ObservedServing.Deployment(
                ServingNames.deploymentName(version), version, replicas, ready, null);
    }

    /** stage2's view with its Deployment and its HorizontalPodAutoscaler created. */
    private static ObservedServing withAutoscaler(
            ObservedServing.Deployment deployment, TrackService service) {
        Set<String> existing = Set.of(NEW_DEPLOYMENT);
        return new ObservedServing(
                Map.of(NEW_DEPLOYMENT, deployment),
                service,
                List.of(STAGE1),
                null,
                existing,
                existing);
    }

    /** stage2's view: stage1's model serves the track, stage2's own Deployment as given. */
    private static ObservedServing observed(
            ObservedServing.Deployment deployment, TrackService service) {
        return new ObservedServing(
                Map.of(NEW_DEPLOYMENT, deployment), service, List.of(STAGE1), null);
    }

    private static List<EventReason> reasons(ServingPlan plan) {
        return plan.events().stream().map(StageEvent::reason).toList();
    }
}
