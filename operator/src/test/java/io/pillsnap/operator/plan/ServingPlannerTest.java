package io.pillsnap.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.ObservedServing.TrackPeer;
import io.pillsnap.operator.testing.TestStages;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServingPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private static final String OLD = "stage1/r1-aaaaaaaa";
    private static final String NEW = "stage2/r1-bbbbbbbb";

    @Test
    void nothingToServeWithoutAPromotedModel() {
        ServingPlan plan = ServingPlanner.plan(stage(null), null, ObservedServing.none(), NOW);

        assertThat(plan.status()).isNull();
        assertThat(plan.replicas()).isNull();
    }

    @Test
    void newModelScalesUpButTrafficStaysUntilItsPodsAreReady() {
        ServingPlan plan =
                ServingPlanner.plan(
                        stage(null),
                        NEW,
                        observed(new ObservedServing.Deployment(1, 0, null)),
                        NOW);

        assertThat(plan.status().state()).isEqualTo(ServingStatus.ROLLING_OUT);
        assertThat(plan.replicas()).isEqualTo(1);
        assertThat(plan.pointService()).isFalse();
        assertThat(plan.recheck()).isTrue();
        assertThat(plan.status().message()).contains(OLD + " serves meanwhile");
        assertThat(reasons(plan)).containsExactly(EventReason.RolloutStarted);
    }

    @Test
    void readyModelTakesTheTrackAndRemembersThePreviousOne() {
        ServingPlan plan =
                ServingPlanner.plan(
                        stage(rollingOutSince(NOW.minusSeconds(30))),
                        NEW,
                        observed(new ObservedServing.Deployment(1, 1, null)),
                        NOW);

        assertThat(plan.status().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(plan.pointService()).isTrue();
        assertThat(plan.status().previousModelVersion()).isEqualTo(OLD);
        assertThat(plan.condition().status()).isEqualTo("True");
        assertThat(reasons(plan)).containsExactly(EventReason.ServingSwitched);
    }

    @Test
    void rolloutPastItsDeadlineIsAbandonedAndThePreviousModelKeepsServing() {
        ServingPlan plan =
                ServingPlanner.plan(
                        stage(rollingOutSince(NOW.minusSeconds(601))),
                        NEW,
                        observed(
                                new ObservedServing.Deployment(
                                        1, 0, "ImagePullBackOff: image not found")),
                        NOW);

        assertThat(plan.status().state()).isEqualTo(ServingStatus.ROLLOUT_FAILED);
        assertThat(plan.replicas()).isZero();
        assertThat(plan.pointService()).isFalse();
        assertThat(plan.status().message())
                .contains("were not Ready within 600 s")
                .contains("ImagePullBackOff")
                .contains(OLD + " keeps serving");
        assertThat(plan.condition().status()).isEqualTo("False");
        assertThat(reasons(plan)).containsExactly(EventReason.RolloutFailed);
    }

    @Test
    void aModelTheTrackNoLongerWantsServesUntilItsSuccessorIsReady() {
        // stage1's view: it serves, but stage2 was promoted later on the same track
        PillsnapStage stage1 = TestStages.stage("stage1", 1).serving("pills", 600).buildStored();
        ObservedServing observed =
                new ObservedServing(
                        new ObservedServing.Deployment(1, 1, null),
                        OLD,
                        List.of(
                                new TrackPeer("stage1", OLD, NOW.minusSeconds(3600), true),
                                new TrackPeer("stage2", NEW, NOW.minusSeconds(60), true)),
                        List.of());

        ServingPlan plan = ServingPlanner.plan(stage1, OLD, observed, NOW);

        assertThat(plan.status().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(plan.replicas()).isEqualTo(1);
        assertThat(plan.recheck()).isTrue();
        assertThat(plan.status().message()).contains("serving until " + NEW);
    }

    private static PillsnapStage stage(ServingStatus serving) {
        PillsnapStage stage = TestStages.stage("stage2", 2).serving("pills", 600).buildStored();
        if (serving != null) {
            stage.setStatus(
                    new PillsnapStageStatus(
                            StagePhase.Promoted,
                            null,
                            null,
                            1L,
                            List.of(),
                            null,
                            null,
                            null,
                            null,
                            null,
                            null,
                            serving));
        }
        return stage;
    }

    private static ServingStatus rollingOutSince(Instant since) {
        return new ServingStatus(
                ServingStatus.ROLLING_OUT,
                since.toString(),
                "waiting",
                "stage2-r1-bbbbbbbb",
                "pills",
                0,
                NEW,
                null,
                NOW.minusSeconds(900).toString());
    }

    /** stage1's model serves the track; stage2's was promoted after it. */
    private static ObservedServing observed(ObservedServing.Deployment deployment) {
        return new ObservedServing(
                deployment,
                OLD,
                List.of(
                        new TrackPeer("stage1", OLD, NOW.minusSeconds(3600), true),
                        new TrackPeer("stage2", NEW, NOW.minusSeconds(900), true)),
                List.of());
    }

    private static List<EventReason> reasons(ServingPlan plan) {
        return plan.events().stream().map(StageEvent::reason).toList();
    }
}
