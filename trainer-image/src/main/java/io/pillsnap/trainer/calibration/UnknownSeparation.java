package io.pillsnap.trainer.calibration;

import java.util.Arrays;

/**
 * How well the calibrated top-1 confidence tells photos of the stage's drugs (known) from photos of
 * drugs it was never trained on (unknown), which can only be answered wrongly or "not sure".
 *
 * @param auroc probability that a random known photo has a higher confidence than a random unknown
 *     one, ties counting one half: 1 separates perfectly, 0.5 is chance, 0 is inverted
 * @param unknownRejection share of unknown photos with confidence below the threshold ("not sure")
 * @param knownAnswered share of known photos with confidence at or above the threshold
 */
public record UnknownSeparation(
        int known,
        int unknown,
        double threshold,
        double auroc,
        double unknownRejection,
        double knownAnswered) {

    /** Needs at least one known and one unknown photo. */
    public static UnknownSeparation measure(
            double[] knownConfidence, double[] unknownConfidence, double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("the answer threshold is NaN");
        }
        double auroc = auroc(knownConfidence, unknownConfidence);
        int rejected = 0;
        for (double c : unknownConfidence) {
            if (c < threshold) {
                rejected++;
            }
        }
        int answered = 0;
        for (double c : knownConfidence) {
            if (c >= threshold) {
                answered++;
            }
        }
        return new UnknownSeparation(
                knownConfidence.length,
                unknownConfidence.length,
                threshold,
                auroc,
                (double) rejected / unknownConfidence.length,
                (double) answered / knownConfidence.length);
    }

    /**
     * The Mann-Whitney U of known over unknown confidences divided by {@code known * unknown}: both
     * sorted once, then for each known confidence the unknowns below it (1 each) and equal to it
     * (1/2 each) are counted with two pointers that only move up. O(n log n).
     */
    public static double auroc(double[] knownConfidence, double[] unknownConfidence) {
        if (knownConfidence.length == 0 || unknownConfidence.length == 0) {
            throw new IllegalArgumentException(
                    knownConfidence.length
                            + " known and "
                            + unknownConfidence.length
                            + " unknown photos: the AUROC needs at least one of each (unknown"
                            + " photos come from spec.dataset.unknownFraction > 0)");
        }
        double[] known = sorted(knownConfidence, "known");
        double[] unknown = sorted(unknownConfidence, "unknown");
        int below = 0;
        int notAbove = 0;
        double wins = 0;
        for (double k : known) {
            while (below < unknown.length && unknown[below] < k) {
                below++;
            }
            notAbove = Math.max(notAbove, below);
            while (notAbove < unknown.length && unknown[notAbove] == k) {
                notAbove++;
            }
            wins += below + 0.5 * (notAbove - below);
        }
        return wins / ((double) known.length * unknown.length);
    }

    private static double[] sorted(double[] confidences, String which) {
        double[] copy = confidences.clone();
        for (int i = 0; i < copy.length; i++) {
            if (Double.isNaN(copy[i])) {
                throw new IllegalArgumentException(
                        "confidence of " + which + " photo " + i + " is NaN");
            }
        }
        Arrays.sort(copy);
        return copy;
    }
}
