package io.pillsnap.trainer.calibration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The confidence threshold below which the server answers "not sure": chosen on validation for a
 * target precision of the answered photos, then measured on any set (the test set, once).
 */
public final class AnswerThreshold {

    /** Above every probability: the threshold that answers nothing. */
    public static final double NOTHING_ANSWERED = Math.nextUp(1.0);

    private AnswerThreshold() {}

    /**
     * The lowest observed confidence t such that the photos with confidence {@code >= t} are right
     * at least {@code targetPrecision} of the time; {@link #NOTHING_ANSWERED} when no t reaches it.
     *
     * <p>Photos with equal confidence are answered or not together. The precision of the answered
     * is not monotone in t (a few confident mistakes can pull the top down below a lower t that
     * answers more photos), so every observed confidence is tried and the lowest that reaches the
     * target is taken: the one answering the most photos, even where a higher t would fall short.
     */
    public static double choose(Answers validation, double targetPrecision) {
        if (!(targetPrecision > 0 && targetPrecision <= 1)) {
            throw new IllegalArgumentException(
                    "target precision must be in (0, 1], got " + targetPrecision);
        }
        requireImages(validation);
        double chosen = NOTHING_ANSWERED;
        for (Level level : levels(validation)) {
            if ((double) level.correct / level.answered >= targetPrecision) {
                chosen = level.threshold;
            }
        }
        return chosen;
    }

    /** The photos of {@code set} answered at {@code threshold}, and their precision. */
    public static AnswerSummary at(Answers set, double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("the answer threshold is NaN");
        }
        requireImages(set);
        int answered = 0;
        int correct = 0;
        for (int i = 0; i < set.images(); i++) {
            if (set.confidence()[i] >= threshold) {
                answered++;
                if (set.correct()[i]) {
                    correct++;
                }
            }
        }
        return new AnswerSummary(
                threshold,
                set.images(),
                answered,
                correct,
                (double) answered / set.images(),
                answered == 0 ? null : (double) correct / answered);
    }

    /**
     * Coverage and error of the answered photos at every observed confidence, from the highest
     * threshold (fewest answered) down to the lowest (every photo answered).
     */
    public static List<RiskCoveragePoint> riskCoverage(Answers set) {
        requireImages(set);
        List<RiskCoveragePoint> curve = new ArrayList<>();
        for (Level level : levels(set)) {
            curve.add(
                    new RiskCoveragePoint(
                            level.threshold,
                            (double) level.answered / set.images(),
                            (double) (level.answered - level.correct) / level.answered));
        }
        return curve;
    }

    /** Answered and right counts at each distinct confidence, highest first. */
    private static List<Level> levels(Answers set) {
        int rightCount = 0;
        for (boolean c : set.correct()) {
            if (c) {
                rightCount++;
            }
        }
        double[] right = new double[rightCount];
        double[] wrong = new double[set.images() - rightCount];
        int r = 0;
        int w = 0;
        for (int i = 0; i < set.images(); i++) {
            if (set.correct()[i]) {
                right[r++] = set.confidence()[i];
            } else {
                wrong[w++] = set.confidence()[i];
            }
        }
        Arrays.sort(right);
        Arrays.sort(wrong);
        List<Level> levels = new ArrayList<>();
        r = right.length - 1;
        w = wrong.length - 1;
        int answered = 0;
        int correct = 0;
        while (r >= 0 || w >= 0) {
            double threshold =
                    Math.max(
                            r >= 0 ? right[r] : Double.NEGATIVE_INFINITY,
                            w >= 0 ? wrong[w] : Double.NEGATIVE_INFINITY);
            while (r >= 0 && right[r] == threshold) {
                r--;
                answered++;
                correct++;
            }
            while (w >= 0 && wrong[w] == threshold) {
                w--;
                answered++;
            }
            levels.add(new Level(threshold, answered, correct));
        }
        return levels;
    }

    private static void requireImages(Answers set) {
        if (set.images() == 0) {
            throw new IllegalArgumentException(
                    "no images: an answer threshold is chosen and measured on at least one");
        }
    }

    private record Level(double threshold, int answered, int correct) {}
}
