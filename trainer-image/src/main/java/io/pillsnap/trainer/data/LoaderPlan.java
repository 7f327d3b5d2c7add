package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.Preprocessing;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * What a {@link BatchLoader} reads and how: the pictures of {@code source} in {@code order}, in
 * batches of {@code batchSize} from batch {@code firstBatch} (a resumed epoch skips those before),
 * augmented by {@code augmenter} (null for evaluation: the pictures as they are) with draws from
 * {@code seed} and {@code epoch}, on {@code workers} threads with {@code prefetch} batches ahead.
 */
@RecordBuilder
public record LoaderPlan(
        ImageSource source,
        int[] order,
        int batchSize,
        int firstBatch,
        Augmenter augmenter,
        Preprocessing preprocessing,
        long seed,
        int epoch,
        int workers,
        int prefetch) {

    public static LoaderPlanBuilder builder() {
        return LoaderPlanBuilder.builder();
    }
}
