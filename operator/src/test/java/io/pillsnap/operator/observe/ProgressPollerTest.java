package io.pillsnap.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.trainer.TrainingProgressBuilder;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stage's progress as the trainer's /progress reports it. */
class ProgressPollerTest {

    @Test
    void oneTaskIsShownAsReported() {
        ProgressStatus status =
                ProgressPoller.status(snapshot("classifier", 12, 30, 0.41, 300L, null));
        assertThat(status.display()).isEqualTo("12/30");
        assertThat(status.bestTop1()).isEqualTo(0.41);
    }

    @Test
    void twoTasksShowTheOneFurthestBehindTheLongestEtaAndTheClassifiersTop1() {
        TrainingProgress classifier = snapshot("classifier", 12, 30, 0.41, 900L, null);
        TrainingProgress detector = snapshot("detector", 27, 30, null, 120L, null);
        // the detector reported last: its snapshot is the top level
        TrainingProgress served =
                snapshot("detector", 27, 30, null, 120L, List.of(classifier, detector));

        ProgressStatus status = ProgressPoller.status(served);

        assertThat(status.display()).isEqualTo("12/30");
        assertThat(status.bestTop1()).isEqualTo(0.41);
        assertThat(status.etaSeconds()).isEqualTo(900L);
    }

    private static TrainingProgress snapshot(
            String task,
            int epoch,
            int epochs,
            Double bestTop1,
            Long eta,
            List<TrainingProgress> tasks) {
        return TrainingProgressBuilder.builder()
                .stage("stage3")
                .runId("r1")
                .phase(TrainingProgress.TRAINING)
                .epoch(epoch)
                .epochs(epochs)
                .batch(3)
                .batches(100)
                .loss(0.5)
                .learningRate(1e-3)
                .imagesPerSecond(60.0)
                .bestTop1(bestTop1)
                .etaSeconds(eta)
                .updated("2026-12-02T18:00:00Z")
                .task(task)
                .tasks(tasks)
                .build();
    }
}
