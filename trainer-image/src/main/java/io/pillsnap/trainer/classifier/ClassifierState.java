package io.pillsnap.trainer.classifier;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.pillsnap.trainer.engine.BestSoFar;
import io.pillsnap.trainer.engine.LoopState;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * Where training stands, saved with every checkpoint: enough to continue exactly where it stopped,
 * mid-epoch included.
 *
 * @param epochsDone complete epochs
 * @param nextBatch first batch of epoch {@code epochsDone} still to train (0 at an epoch start)
 * @param epochLossSum the current epoch's training loss summed over its pictures so far (mid-epoch
 *     only), so that a resumed epoch reports the loss of all its batches
 * @param epochImages the pictures those are
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ClassifierState(
        String runId,
        int numClasses,
        String classMapSha256,
        int epochsDone,
        int nextBatch,
        long step,
        double bestTop1,
        int bestEpoch,
        int epochsWithoutImprovement,
        List<ClassifierEpoch> history,
        double epochLossSum,
        int epochImages,
        int batchSize)
        implements ClassifierStateBuilder.With, LoopState {

    public ClassifierState {
        history = history == null ? List.of() : List.copyOf(history);
    }

    public static ClassifierState start(String runId, int numClasses, String classMapSha256) {
        return ClassifierStateBuilder.builder()
                .runId(runId)
                .numClasses(numClasses)
                .classMapSha256(classMapSha256)
                .bestTop1(-1)
                .history(List.of())
                .build();
    }

    /**
     * Mid-epoch, after batch {@code nextBatch - 1}: the epoch's loss so far is saved so that a
     * resumed epoch reports the loss of all its batches.
     */
    public ClassifierState midEpoch(int nextBatch, long step, double lossSum, int images) {
        return with(
                state ->
                        state.nextBatch(nextBatch)
                                .step(step)
                                .epochLossSum(lossSum)
                                .epochImages(images));
    }

    /** After an epoch and its evaluation. */
    public ClassifierState epochDone(ClassifierEpoch metrics, long step) {
        BestSoFar best =
                new BestSoFar(bestTop1, bestEpoch, epochsWithoutImprovement)
                        .after(metrics.top1(), metrics.epoch());
        return with(
                state ->
                        state.epochsDone(epochsDone + 1)
                                .nextBatch(0)
                                .step(step)
                                .bestTop1(best.score())
                                .bestEpoch(best.epoch())
                                .epochsWithoutImprovement(best.epochsWithout())
                                .history(BestSoFar.appended(history, metrics))
                                .epochLossSum(0)
                                .epochImages(0));
    }

    public boolean improvedLastEpoch() {
        return !history.isEmpty() && bestEpoch == history.get(history.size() - 1).epoch();
    }
}
