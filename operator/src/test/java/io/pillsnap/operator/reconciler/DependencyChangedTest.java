package io.pillsnap.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.testing.TestStages;
import org.junit.jupiter.api.Test;

class DependencyChangedTest {

    private final DependencyChanged filter = new DependencyChanged();

    @Test
    void progressWritesWakeNoOtherStage() {
        PillsnapStage before = training(ProgressStatus.of(3, 30, 0.4, 600L, null));
        PillsnapStage after = training(ProgressStatus.of(4, 30, 0.45, 540L, null));

        assertThat(filter.accept(after, before)).isFalse();
    }

    @Test
    void phaseChangeWakesTheStagesThatDependOnIt() {
        PillsnapStage before = training(null);
        PillsnapStage after = training(null);
        after.setStatus(after.getStatus().toBuilder().phase(StagePhase.Promoted).build());

        assertThat(filter.accept(after, before)).isTrue();
    }

    @Test
    void deletionWakesTheStagesOfItsTrack() {
        PillsnapStage before = training(null);
        PillsnapStage after = training(null);
        after.getMetadata().setDeletionTimestamp("2026-11-24T10:00:00Z");

        assertThat(filter.accept(after, before)).isTrue();
    }

    private static PillsnapStage training(ProgressStatus progress) {
        PillsnapStage stage = TestStages.stage("stage1", 1).serving("pills", 600).buildStored();
        stage.setStatus(
                PillsnapStageStatus.empty().toBuilder()
                        .phase(StagePhase.Training)
                        .progress(progress)
                        .build());
        return stage;
    }
}
