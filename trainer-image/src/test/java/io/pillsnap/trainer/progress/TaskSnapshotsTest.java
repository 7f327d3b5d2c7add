package io.pillsnap.trainer.progress;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.trainer.TrainingProgressBuilder;
import org.junit.jupiter.api.Test;

/** /progress of a run that trains both models shows both. */
class TaskSnapshotsTest {

    @Test
    void oneTaskIsServedAsItIsBothAreServedTogether() {
        TaskSnapshots snapshots = new TaskSnapshots();
        TrainingProgress classifier = snapshot("classifier", 3, 0.9);
        assertThat(snapshots.update("classifier", classifier)).isSameAs(classifier);

        TrainingProgress detector = snapshot("detector", 7, 1.4);
        TrainingProgress served = snapshots.update("detector", detector);
        assertThat(served.task()).isEqualTo("detector");
        assertThat(served.epoch()).isEqualTo(7);
        assertThat(served.tasks()).containsExactly(classifier, detector);

        TrainingProgress later = snapshot("classifier", 4, 0.8);
        served = snapshots.update("classifier", later);
        assertThat(served.task()).isEqualTo("classifier");
        assertThat(served.loss()).isEqualTo(0.8);
        assertThat(served.tasks()).containsExactly(later, detector);
    }

    private static TrainingProgress snapshot(String task, int epoch, double loss) {
        return TrainingProgressBuilder.builder()
                .stage("stage3")
                .runId("r1")
                .phase(TrainingProgress.TRAINING)
                .epoch(epoch)
                .epochs(30)
                .batch(5)
                .batches(100)
                .loss(loss)
                .learningRate(1e-3)
                .imagesPerSecond(50.0)
                .etaSeconds(60L)
                .updated("2026-12-02T17:00:00Z")
                .task(task)
                .build();
    }
}
