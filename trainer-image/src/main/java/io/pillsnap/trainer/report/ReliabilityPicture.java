package io.pillsnap.trainer.report;

import io.pillsnap.trainer.calibration.Reliability;
import io.pillsnap.trainer.calibration.ReliabilityBin;
import java.awt.Color;
import java.util.List;

/**
 * The reliability diagram: for each confidence bin, the accuracy reached before (orange, raw
 * softmax) and after (blue) temperature scaling, side by side, against the diagonal a calibrated
 * model follows. A bar below the diagonal is overconfidence. Empty bins draw nothing.
 */
public final class ReliabilityPicture {

    private ReliabilityPicture() {}

    public static PngPicture draw(Reliability before, Reliability after, double temperature) {
        List<ReliabilityBin> beforeBins = before.bins();
        List<ReliabilityBin> afterBins = after.bins();
        if (beforeBins.size() != afterBins.size()) {
            throw new IllegalArgumentException(
                    beforeBins.size()
                            + " bins before and "
                            + afterBins.size()
                            + " after the temperature: a diagram compares equal bins");
        }
        UnitChart chart = new UnitChart("CONFIDENCE", "ACCURACY", 1);
        for (int b = 0; b < beforeBins.size(); b++) {
            halfBar(chart, beforeBins.get(b), 0, UnitChart.ORANGE);
            halfBar(chart, afterBins.get(b), 1, UnitChart.BLUE);
        }
        chart.line(0, 0, 1, 1, UnitChart.INK, 1f);
        chart.legend(0, UnitChart.ORANGE, "BEFORE: ECE " + UnitChart.number(before.ece(), 4));
        chart.legend(
                1,
                UnitChart.BLUE,
                "AFTER T "
                        + UnitChart.number(temperature, 3)
                        + ": ECE "
                        + UnitChart.number(after.ece(), 4));
        chart.legend(2, UnitChart.INK, "DIAGONAL: CALIBRATED");
        return chart.finish();
    }

    /** The left (half 0) or right (half 1) half of the bin, one pixel apart from its neighbour. */
    private static void halfBar(UnitChart chart, ReliabilityBin bin, int half, Color color) {
        if (bin.count() == 0) {
            return;
        }
        double middle = (bin.lower() + bin.upper()) / 2;
        double from = half == 0 ? bin.lower() : middle;
        double to = half == 0 ? middle : bin.upper();
        double gap = 1.0 / UnitChart.PLOT;
        chart.bar(from + gap, to - gap, bin.accuracy(), color);
    }
}
