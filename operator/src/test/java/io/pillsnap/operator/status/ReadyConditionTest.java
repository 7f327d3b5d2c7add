package io.pillsnap.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.plan.ConditionUpdate;
import io.pillsnap.operator.testing.TestStages;
import org.junit.jupiter.api.Test;

class ReadyConditionTest {

    private static final PillsnapStageSpec SERVED =
            TestStages.stage("stage1", 1).serving("pills", 600).build().getSpec();
    private static final PillsnapStageSpec NOT_SERVED =
            TestStages.stage("stage1", 1).build().getSpec();

    @Test
    void stageThatIsNotPromotedIsNotReadyAndSaysItsPhase() {
        ConditionUpdate ready =
                StageStatusAggregator.ready(status(StagePhase.Training, null), NOT_SERVED);

        assertThat(ready.status()).isEqualTo("False");
        assertThat(ready.reason()).isEqualTo("Training");
    }

    @Test
    void promotedStageWithoutServingIsReady() {
        ConditionUpdate ready =
                StageStatusAggregator.ready(status(StagePhase.Promoted, null), NOT_SERVED);

        assertThat(ready.status()).isEqualTo("True");
        assertThat(ready.reason()).isEqualTo("Promoted");
    }

    @Test
    void servedStageIsReadyOnlyOnceItsModelServes() {
        assertThat(
                        StageStatusAggregator.ready(
                                        status(StagePhase.Promoted, ServingStatus.ROLLING_OUT),
                                        SERVED)
                                .status())
                .isEqualTo("False");
        assertThat(
                        StageStatusAggregator.ready(
                                        status(StagePhase.Promoted, ServingStatus.ROLLOUT_FAILED),
                                        SERVED)
                                .reason())
                .isEqualTo(ServingStatus.ROLLOUT_FAILED);
        assertThat(
                        StageStatusAggregator.ready(
                                        status(StagePhase.Promoted, ServingStatus.SERVING), SERVED)
                                .status())
                .isEqualTo("True");
    }

    private static PillsnapStageStatus status(StagePhase phase, String servingState) {
        return PillsnapStageStatus.empty().toBuilder()
                .phase(phase)
                .message("message")
                .serving(
                        servingState == null
                                ? null
                                : new ServingStatus(
                                        servingState,
                                        null,
                                        "serving message",
                                        null,
                                        "pills",
                                        0,
                                        "stage1/r1-aaaaaaaa",
                                        null,
                                        null,
                                        null))
                .build();
    }
}
