package io.pillsnap.trainer.report;

/**
 * Confidence histograms of known photos (the stage's drugs, blue) and unknown ones (drugs it never
 * saw, orange), each as shares of its own photos so that a small unknown sample shows as plainly,
 * with the answer threshold dashed: orange right of the line is an unknown drug named anyway.
 */
public final class ConfidenceHistogramPicture {

    static final int BINS = 20;

    private ConfidenceHistogramPicture() {}

    public static PngPicture draw(double[] known, double[] unknown, double threshold) {
        double[] knownShares = shares(known);
        double[] unknownShares = shares(unknown);
        double highest = 0;
        for (int b = 0; b < BINS; b++) {
            highest = Math.max(highest, Math.max(knownShares[b], unknownShares[b]));
        }
        UnitChart chart =
                new UnitChart("CONFIDENCE", "SHARE OF PHOTOS", UnitChart.niceCeiling(highest));
        double width = 1.0 / BINS;
        double gap = 1.0 / UnitChart.PLOT;
        for (int b = 0; b < BINS; b++) {
            double lower = b * width;
            double middle = lower + width / 2;
            if (knownShares[b] > 0) {
                chart.bar(lower + gap, middle - gap, knownShares[b], UnitChart.BLUE);
            }
            if (unknownShares[b] > 0) {
                chart.bar(middle + gap, lower + width - gap, unknownShares[b], UnitChart.ORANGE);
            }
        }
        if (threshold <= 1) {
            chart.dashedLine(threshold, 0, threshold, chart.yMax(), UnitChart.RED);
        }
        chart.legend(0, UnitChart.BLUE, "KNOWN: " + known.length + " PHOTOS");
        chart.legend(1, UnitChart.ORANGE, "UNKNOWN: " + unknown.length + " PHOTOS");
        chart.legend(
                2,
                UnitChart.RED,
                threshold > 1
                        ? "THRESHOLD NONE: NOTHING ANSWERED"
                        : "THRESHOLD " + UnitChart.number(threshold, 3));
        return chart.finish();
    }

    /** Each bin's share of the photos (all 0 for none), bins ((b-1)/20, b/20], 0 in the first. */
    static double[] shares(double[] confidences) {
        double[] shares = new double[BINS];
        if (confidences.length == 0) {
            return shares;
        }
        int[] counts = new int[BINS];
        for (double c : confidences) {
            counts[Math.max(0, Math.min(BINS - 1, (int) Math.ceil(c * BINS) - 1))]++;
        }
        for (int b = 0; b < BINS; b++) {
            shares[b] = (double) counts[b] / confidences.length;
        }
        return shares;
    }
}
