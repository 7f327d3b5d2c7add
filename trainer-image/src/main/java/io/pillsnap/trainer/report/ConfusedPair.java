package io.pillsnap.trainer.report;

import java.util.Comparator;
import java.util.List;

/**
 * Images of one class predicted as another.
 *
 * @param share {@code count} over the images of the true class
 */
record ConfusedPair(int trueClass, int predictedClass, int count, double share) {

    /** The off-diagonal cells with the most images, ties by share, then by class indices. */
    static List<ConfusedPair> mostConfused(Evaluation evaluation, int limit) {
        return evaluation.confusion().stream()
                .filter(cell -> cell[0] != cell[1])
                .map(
                        cell ->
                                new ConfusedPair(
                                        cell[0],
                                        cell[1],
                                        cell[2],
                                        (double) cell[2]
                                                / evaluation.perClass().get(cell[0]).support()))
                .sorted(
                        Comparator.comparingInt(ConfusedPair::count)
                                .thenComparingDouble(ConfusedPair::share)
                                .reversed()
                                .thenComparingInt(ConfusedPair::trueClass)
                                .thenComparingInt(ConfusedPair::predictedClass))
                .limit(limit)
                .toList();
    }
}
