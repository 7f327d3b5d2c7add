package io.pillsnap.trainer.detector;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pillsnap.trainer.engine.BestSoFar;
import io.pillsnap.trainer.engine.LoopState;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * Where the detector's training stands, saved with each of its checkpoints: enough to continue
 * exactly where it stopped, mid-epoch included.
 *
 * @param epochsDone complete epochs
 * @param nextBatch first batch of epoch {@code epochsDone} still to train (0 at an epoch start)
 * @param bestFitness best {@link DetectorEpoch#fitness()} so far, -1 before the first epoch
 * @param epochLoss the current epoch's summed loss terms (box, class, DFL) over its trained steps
 *     so far, so that a resumed epoch reports what an uninterrupted one would
 * @param epochSteps steps of the current epoch so far whose loss counts
 * @param epochImages images of the current epoch so far
 * @param epochSkipped steps of the current epoch so far skipped for non-finite gradients
 * @param optimizerSteps weight updates so far: one per accumulated nominal batch, fewer than {@code
 *     step} (batches); the optimizer's bias correction and the weight average count them
 * @param pendingBatches batches whose gradients are accumulated but not yet applied (saved with the
 *     checkpoint); 0 at an epoch's end
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record DetectorState(
        String runId,
        int trainPhotos,
        int epochsDone,
        int nextBatch,
        long step,
        double bestFitness,
        int bestEpoch,
        int epochsWithoutImprovement,
        List<DetectorEpoch> history,
        double[] epochLoss,
        int epochSteps,
        int epochImages,
        int epochSkipped,
        long optimizerSteps,
        int pendingBatches)
        implements DetectorStateBuilder.With, LoopState {

    public DetectorState {
        history = history == null ? List.of() : List.copyOf(history);
        epochLoss = epochLoss == null ? new double[3] : epochLoss.clone();
    }

    public static DetectorState start(String runId, int trainPhotos) {
        return DetectorStateBuilder.builder()
                .runId(runId)
                .trainPhotos(trainPhotos)
                .bestFitness(-1)
                .history(List.of())
                .build();
    }

    /** Mid-epoch, before batch {@code batch}, with the epoch's running figures. */
    public DetectorState midEpoch(
            int batch,
            long stepCount,
            double[] loss,
            int steps,
            int images,
            int skipped,
            long optimizerSteps,
            int pendingBatches) {
        return with(
                state ->
                        state.nextBatch(batch)
                                .step(stepCount)
                                .epochLoss(loss)
                                .epochSteps(steps)
                                .epochImages(images)
                                .epochSkipped(skipped)
                                .optimizerSteps(optimizerSteps)
                                .pendingBatches(pendingBatches));
    }

    public DetectorState epochDone(DetectorEpoch epoch, long stepCount, long optimizerSteps) {
        BestSoFar best =
                new BestSoFar(bestFitness, bestEpoch, epochsWithoutImprovement)
                        .after(epoch.fitness(), epoch.epoch());
        return with(
                state ->
                        state.epochsDone(epochsDone + 1)
                                .nextBatch(0)
                                .step(stepCount)
                                .bestFitness(best.score())
                                .bestEpoch(best.epoch())
                                .epochsWithoutImprovement(best.epochsWithout())
                                .history(BestSoFar.appended(history, epoch))
                                .epochLoss(null)
                                .epochSteps(0)
                                .epochImages(0)
                                .epochSkipped(0)
                                .optimizerSteps(optimizerSteps)
                                .pendingBatches(0));
    }

    public boolean improvedLastEpoch() {
        return !history.isEmpty() && bestEpoch == history.get(history.size() - 1).epoch();
    }

    /** Batches of the whole run so far whose gradients were skipped as not finite. */
    public long skippedSteps() {
        return history.stream().mapToLong(DetectorEpoch::skippedSteps).sum() + epochSkipped;
    }

    /** The epoch with the best fitness; null before the first. */
    public DetectorEpoch best() {
        return history.stream().filter(e -> e.epoch() == bestEpoch).findFirst().orElse(null);
    }
}
