package io.pillsnap.trainer.report;

import io.pillsnap.trainer.calibration.RiskCoveragePoint;
import java.util.List;

/**
 * The risk-coverage curve: the error of the answered photos (up) against the share answered (right)
 * as the confidence threshold falls, the target error {@code 1 - precision} dashed, and the chosen
 * threshold's coverage as a red line.
 */
public final class RiskCoveragePicture {

    private RiskCoveragePicture() {}

    /**
     * @param curve from {@code AnswerThreshold.riskCoverage}, highest threshold first
     * @param threshold the chosen answer threshold (above 1 when nothing is answered)
     * @param targetPrecision the precision the threshold was chosen for
     */
    public static PngPicture draw(
            List<RiskCoveragePoint> curve, double threshold, double targetPrecision) {
        double targetRisk = 1 - targetPrecision;
        double highest = targetRisk;
        for (RiskCoveragePoint point : curve) {
            highest = Math.max(highest, point.risk());
        }
        UnitChart chart = new UnitChart("COVERAGE", "ERROR", UnitChart.niceCeiling(highest));

        double coverage = coverageAt(curve, threshold);
        chart.dashedLine(0, targetRisk, 1, targetRisk, UnitChart.GREY);
        chart.dashedLine(coverage, 0, coverage, chart.yMax(), UnitChart.RED);
        for (int i = 1; i < curve.size(); i++) {
            RiskCoveragePoint from = curve.get(i - 1);
            RiskCoveragePoint to = curve.get(i);
            chart.line(from.coverage(), from.risk(), to.coverage(), to.risk(), UnitChart.BLUE, 2f);
        }
        if (curve.size() == 1) {
            RiskCoveragePoint only = curve.get(0);
            chart.line(
                    only.coverage(), only.risk(), only.coverage(), only.risk(), UnitChart.BLUE, 3f);
        }
        chart.legend(0, UnitChart.BLUE, "ERROR OF THE ANSWERED PHOTOS");
        chart.legend(
                1,
                UnitChart.RED,
                threshold > 1
                        ? "THRESHOLD NONE: 0% ANSWERED"
                        : "THRESHOLD "
                                + UnitChart.number(threshold, 3)
                                + ": "
                                + UnitChart.percent(coverage)
                                + " ANSWERED");
        chart.legend(2, UnitChart.GREY, "TARGET ERROR " + UnitChart.percent(targetRisk));
        return chart.finish();
    }

    /** The coverage of the lowest curve threshold at or above {@code threshold}; 0 if none. */
    static double coverageAt(List<RiskCoveragePoint> curve, double threshold) {
        double coverage = 0;
        for (RiskCoveragePoint point : curve) {
            if (point.threshold() >= threshold) {
                coverage = Math.max(coverage, point.coverage());
            }
        }
        return coverage;
    }
}
