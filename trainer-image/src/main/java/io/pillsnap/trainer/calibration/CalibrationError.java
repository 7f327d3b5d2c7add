package io.pillsnap.trainer.calibration;

import java.util.ArrayList;
import java.util.List;

/**
 * Expected calibration error over equal-width bins of the top-1 confidence (Guo et al. 2017, Naeini
 * et al. 2015): how far, weighted by how many images say it, the stated confidence is from the
 * accuracy actually reached.
 */
public final class CalibrationError {

    /** The bin count of Guo et al., which the issue and most published ECE figures use. */
    public static final int BINS = 15;

    private CalibrationError() {}

    /** ECE over {@value #BINS} bins {@code ((m-1)/15, m/15]}; confidence 0 is in the first. */
    public static Reliability measure(Answers answers) {
        return measure(answers, BINS);
    }

    public static Reliability measure(Answers answers, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException(bins + " bins: ECE needs at least one");
        }
        int images = answers.images();
        if (images == 0) {
            throw new IllegalArgumentException(
                    "no images: the calibration error is measured on at least one");
        }
        int[] count = new int[bins];
        int[] right = new int[bins];
        double[] confidenceSum = new double[bins];
        for (int i = 0; i < images; i++) {
            int b = bin(answers.confidence()[i], bins);
            count[b]++;
            confidenceSum[b] += answers.confidence()[i];
            if (answers.correct()[i]) {
                right[b]++;
            }
        }
        List<ReliabilityBin> result = new ArrayList<>(bins);
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            double accuracy = count[b] == 0 ? 0 : (double) right[b] / count[b];
            double meanConfidence = count[b] == 0 ? 0 : confidenceSum[b] / count[b];
            ece += (double) count[b] / images * Math.abs(accuracy - meanConfidence);
            result.add(
                    new ReliabilityBin(
                            upper(b - 1, bins),
                            upper(b, bins),
                            count[b],
                            accuracy,
                            meanConfidence));
        }
        return new Reliability(ece, images, result);
    }

    /**
     * The bin of a confidence: index m - 1 of the bin {@code ((m-1)/bins, m/bins]}, comparing with
     * the same bounds the bins report, so that a confidence on a bound (1/3 in 15 bins, say) is not
     * pushed across it by the rounding of {@code confidence * bins}.
     */
    static int bin(double confidence, int bins) {
        int index = Math.max(0, Math.min(bins - 1, (int) Math.ceil(confidence * bins) - 1));
        while (index > 0 && confidence <= upper(index - 1, bins)) {
            index--;
        }
        while (index < bins - 1 && confidence > upper(index, bins)) {
            index++;
        }
        return index;
    }

    private static double upper(int index, int bins) {
        return (double) (index + 1) / bins;
    }
}
