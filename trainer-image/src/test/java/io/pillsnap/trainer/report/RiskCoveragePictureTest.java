package io.pillsnap.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.trainer.calibration.AnswerThreshold;
import io.pillsnap.trainer.calibration.Answers;
import io.pillsnap.trainer.calibration.RiskCoveragePoint;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskCoveragePictureTest {

    /**
     * 0.9 right, 0.8 right, 0.7 wrong, 0.6 right: the curve runs (coverage, error) (0.25, 0), (0.5,
     * 0), (0.75, 1/3), (1, 1/4); the target precision 0.9 is reached down to 0.8, coverage 0.5. The
     * error axis goes to 0.5, the smallest round value above 1/3.
     */
    private static final Answers VALIDATION =
            new Answers(new double[] {0.9, 0.8, 0.7, 0.6}, new boolean[] {true, true, false, true});

    private static final List<RiskCoveragePoint> CURVE = AnswerThreshold.riskCoverage(VALIDATION);
    private static final double THRESHOLD = AnswerThreshold.choose(VALIDATION, 0.9);

    @Test
    void encodesTheStatedSizeAndTheSameBytesEveryTime() {
        PngPicture first = RiskCoveragePicture.draw(CURVE, THRESHOLD, 0.9);

        DecodedPicture.of(first);
        assertThat(first.png()).isEqualTo(RiskCoveragePicture.draw(CURVE, THRESHOLD, 0.9).png());
    }

    @Test
    void theCurveRunsThroughItsPoints() {
        DecodedPicture picture = DecodedPicture.of(RiskCoveragePicture.draw(CURVE, THRESHOLD, 0.9));

        // halfway from (0.5, 0) to (0.75, 1/3) on an error axis of 0 to 0.5
        assertThat(picture.near(UnitChart.x(0.625), errorRow(1.0 / 6), UnitChart.BLUE)).isTrue();
        // halfway from (0.75, 1/3) to (1, 1/4)
        assertThat(picture.near(UnitChart.x(0.875), errorRow(7.0 / 24), UnitChart.BLUE)).isTrue();
        assertThat(picture.near(UnitChart.x(0.25), errorRow(0.4), UnitChart.BLUE)).isFalse();
    }

    @Test
    void theChosenThresholdIsMarkedAtItsCoverageAndTheTargetErrorAcross() {
        assertThat(THRESHOLD).isEqualTo(0.8);
        DecodedPicture picture = DecodedPicture.of(RiskCoveragePicture.draw(CURVE, THRESHOLD, 0.9));

        // dashed, 6 on and 4 off: over half of the plot's height
        assertThat(picture.rowsWith(UnitChart.x(0.5), UnitChart.RED))
                .isGreaterThan(UnitChart.PLOT / 2);
        assertThat(picture.rowsWith(UnitChart.x(0.3), UnitChart.RED)).isZero();
        // the target error 0.1
        assertThat(picture.columnsWith(errorRow(0.1), UnitChart.GREY))
                .isGreaterThan(UnitChart.PLOT / 2);
    }

    @Test
    void theCoverageOfAThresholdBetweenObservedConfidencesIsThatOfTheNextOneUp() {
        assertThat(RiskCoveragePicture.coverageAt(CURVE, 0.75)).isEqualTo(0.5);
        assertThat(RiskCoveragePicture.coverageAt(CURVE, 0.6)).isEqualTo(1.0);
        assertThat(RiskCoveragePicture.coverageAt(CURVE, Math.nextUp(1.0))).isZero();
    }

    @Test
    void aThresholdThatAnswersNothingIsDrawnAtCoverageZero() {
        DecodedPicture picture =
                DecodedPicture.of(
                        RiskCoveragePicture.draw(CURVE, AnswerThreshold.NOTHING_ANSWERED, 0.99));

        assertThat(picture.rowsWith(UnitChart.x(0.5), UnitChart.RED)).isZero();
        assertThat(picture.rowsWith(UnitChart.x(0), UnitChart.RED))
                .isGreaterThan(UnitChart.PLOT / 2);
    }

    private static int errorRow(double error) {
        return UnitChart.TOP + UnitChart.PLOT - (int) Math.round(error / 0.5 * UnitChart.PLOT);
    }
}
