package io.pillsnap.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ConfidenceHistogramPictureTest {

    private static final int WHITE = 0xffffff;

    /**
     * Known: three at 0.97 (bin (0.95, 1], share 0.75) and one at 0.52 (bin (0.5, 0.55], 0.25).
     * Unknown: 0.12 and 0.13 (bin (0.1, 0.15], 0.5), 0.52 and 0.97 (0.25 each). The share axis goes
     * to 1, the smallest round value at or above 0.75.
     */
    private static final double[] KNOWN = {0.97, 0.52, 0.97, 0.97};

    private static final double[] UNKNOWN = {0.12, 0.52, 0.13, 0.97};

    @Test
    void sharesAreOfEachGroupsOwnPhotos() {
        double[] known = ConfidenceHistogramPicture.shares(KNOWN);
        double[] unknown = ConfidenceHistogramPicture.shares(UNKNOWN);

        assertThat(known[19]).isEqualTo(0.75);
        assertThat(known[10]).isEqualTo(0.25);
        assertThat(unknown[2]).isEqualTo(0.5);
        assertThat(unknown[10]).isEqualTo(0.25);
        assertThat(unknown[19]).isEqualTo(0.25);
        assertThat(sum(known)).isCloseTo(1, within(1e-12));
        assertThat(sum(unknown)).isCloseTo(1, within(1e-12));
        assertThat(ConfidenceHistogramPicture.shares(new double[0])).containsOnly(0);
    }

    @Test
    void encodesTheStatedSizeAndTheSameBytesEveryTime() {
        PngPicture first = ConfidenceHistogramPicture.draw(KNOWN, UNKNOWN, 0.8);

        DecodedPicture.of(first);
        assertThat(first.png())
                .isEqualTo(ConfidenceHistogramPicture.draw(KNOWN, UNKNOWN, 0.8).png());
    }

    @Test
    void knownBarsAreBlueOnTheLeftUnknownOrangeOnTheRightOfEachBin() {
        DecodedPicture picture =
                DecodedPicture.of(ConfidenceHistogramPicture.draw(KNOWN, UNKNOWN, 0.8));

        // bin (0.95, 1]: known 0.75 on the left, unknown 0.25 on the right
        int knownColumn = UnitChart.x(0.9625);
        int unknownColumn = UnitChart.x(0.9875);
        assertThat(picture.rgb(knownColumn, row(0.7))).isEqualTo(rgb(UnitChart.BLUE));
        assertThat(picture.rgb(knownColumn, row(0.85))).isEqualTo(WHITE);
        assertThat(picture.rgb(unknownColumn, row(0.2))).isEqualTo(rgb(UnitChart.ORANGE));
        assertThat(picture.rgb(unknownColumn, row(0.3))).isEqualTo(WHITE);
        // bin (0.1, 0.15]: unknown only
        assertThat(picture.rgb(UnitChart.x(0.1375), row(0.45))).isEqualTo(rgb(UnitChart.ORANGE));
        assertThat(picture.rgb(UnitChart.x(0.1125), row(0.05))).isEqualTo(WHITE);
    }

    @Test
    void theThresholdIsADashedLineAtItsConfidence() {
        DecodedPicture picture =
                DecodedPicture.of(ConfidenceHistogramPicture.draw(KNOWN, UNKNOWN, 0.8));

        assertThat(picture.rowsWith(UnitChart.x(0.8), UnitChart.RED))
                .isGreaterThan(UnitChart.PLOT / 2);
        assertThat(picture.rowsWith(UnitChart.x(0.7), UnitChart.RED)).isZero();
    }

    @Test
    void withoutUnknownPhotosOnlyTheKnownAreDrawn() {
        DecodedPicture picture =
                DecodedPicture.of(ConfidenceHistogramPicture.draw(KNOWN, new double[0], 0.8));

        assertThat(picture.plotPixels(UnitChart.ORANGE)).isZero();
        assertThat(picture.plotPixels(UnitChart.BLUE)).isPositive();
    }

    @Test
    void aThresholdThatAnswersNothingDrawsNoLine() {
        DecodedPicture picture =
                DecodedPicture.of(
                        ConfidenceHistogramPicture.draw(KNOWN, UNKNOWN, Math.nextUp(1.0)));

        assertThat(picture.plotPixels(UnitChart.RED)).isZero();
    }

    private static int row(double share) {
        return UnitChart.TOP + UnitChart.PLOT - (int) Math.round(share * UnitChart.PLOT);
    }

    private static int rgb(Color color) {
        return color.getRGB() & 0xffffff;
    }

    private static double sum(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum;
    }
}
