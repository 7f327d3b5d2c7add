package io.pillsnap.trainer.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A task's best validation score so far: its value, its epoch and the epochs since (early
 * stopping's count). The best checkpoint is the epoch that set it.
 */
public record BestSoFar(double score, int epoch, int epochsWithout) {

    /** After epoch {@code scoredEpoch} scored {@code value}: a higher score is the new best. */
    public BestSoFar after(double value, int scoredEpoch) {
        return value > score
                ? new BestSoFar(value, scoredEpoch, 0)
                : new BestSoFar(score, epoch, epochsWithout + 1);
    }

    /** The history with one more epoch. */
    public static <E> List<E> appended(List<E> history, E epoch) {
        List<E> longer = new ArrayList<>(history);
        longer.add(epoch);
        return longer;
    }
}
