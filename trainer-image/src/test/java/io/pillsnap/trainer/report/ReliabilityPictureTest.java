package io.pillsnap.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.trainer.calibration.Reliability;
import io.pillsnap.trainer.calibration.ReliabilityBin;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReliabilityPictureTest {

    private static final int WHITE = 0xffffff;

    /** Before: ten photos at 0.96, two right (bin 14). After: the same ten at 0.5 (bin 7). */
    private static final Reliability BEFORE = reliability(14, 10, 0.2, 0.96, 0.076);

    private static final Reliability AFTER = reliability(7, 10, 0.5, 0.5, 0.0);

    @Test
    void encodesTheStatedSizeAndTheSameBytesEveryTime() {
        PngPicture first = ReliabilityPicture.draw(BEFORE, AFTER, 1.52);
        PngPicture second = ReliabilityPicture.draw(BEFORE, AFTER, 1.52);

        DecodedPicture.of(first);
        assertThat(first.width()).isEqualTo(UnitChart.WIDTH);
        assertThat(first.height()).isEqualTo(UnitChart.HEIGHT);
        assertThat(first.png()).isEqualTo(second.png());
    }

    @Test
    void theDiagonalRunsFromCornerToCorner() {
        DecodedPicture picture = DecodedPicture.of(ReliabilityPicture.draw(BEFORE, AFTER, 1.52));

        int ink = UnitChart.INK.getRGB() & 0xffffff;
        for (double at : new double[] {0.1, 0.3, 0.5, 0.7}) {
            assertThat(picture.rgb(UnitChart.x(at), UnitChart.TOP + UnitChart.PLOT - px(at)))
                    .as("diagonal at %s", at)
                    .isEqualTo(ink);
        }
    }

    @Test
    void eachBinShowsItsAccuracyBeforeOnTheLeftAndAfterOnTheRight() {
        DecodedPicture picture = DecodedPicture.of(ReliabilityPicture.draw(BEFORE, AFTER, 1.52));

        // bin 14 spans confidence (14/15, 1]: its left half is before, accuracy 0.2
        int beforeColumn = UnitChart.x(14.25 / 15);
        assertThat(picture.rgb(beforeColumn, row(0.1))).isEqualTo(rgb(UnitChart.ORANGE));
        assertThat(picture.rgb(beforeColumn, row(0.3))).isEqualTo(WHITE);
        // bin 7 spans (7/15, 8/15]: its right half is after, accuracy 0.5
        int afterColumn = UnitChart.x(7.75 / 15);
        assertThat(picture.rgb(afterColumn, row(0.45))).isEqualTo(rgb(UnitChart.BLUE));
        assertThat(picture.rgb(afterColumn, row(0.75))).isEqualTo(WHITE);
        // no after bar in bin 14, no before bar in bin 7, nothing in the empty bin 3
        assertThat(picture.rgb(UnitChart.x(14.75 / 15), row(0.1))).isEqualTo(WHITE);
        assertThat(picture.rgb(UnitChart.x(7.25 / 15), row(0.1))).isEqualTo(WHITE);
        assertThat(picture.rgb(UnitChart.x(3.5 / 15), row(0.1))).isEqualTo(WHITE);
    }

    @Test
    void theLegendHasASwatchPerSeries() {
        DecodedPicture picture = DecodedPicture.of(ReliabilityPicture.draw(BEFORE, AFTER, 1.52));

        assertThat(picture.rgb(UnitChart.LEFT + 5, 11)).isEqualTo(rgb(UnitChart.ORANGE));
        assertThat(picture.rgb(UnitChart.LEFT + 5, 27)).isEqualTo(rgb(UnitChart.BLUE));
    }

    @Test
    void diagramsOfDifferentBinCountsAreRefused() {
        Reliability fiveBins = new Reliability(0, 1, AFTER.bins().subList(0, 5));

        assertThatThrownBy(() -> ReliabilityPicture.draw(BEFORE, fiveBins, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15 bins before and 5 after");
    }

    /** Fifteen bins, all empty but one. */
    private static Reliability reliability(
            int filled, int count, double accuracy, double confidence, double ece) {
        List<ReliabilityBin> bins = new ArrayList<>();
        for (int b = 0; b < 15; b++) {
            bins.add(
                    b == filled
                            ? new ReliabilityBin(
                                    b / 15.0, (b + 1) / 15.0, count, accuracy, confidence)
                            : new ReliabilityBin(b / 15.0, (b + 1) / 15.0, 0, 0, 0));
        }
        return new Reliability(ece, count, bins);
    }

    private static int px(double fraction) {
        return (int) Math.round(fraction * UnitChart.PLOT);
    }

    private static int row(double accuracy) {
        return UnitChart.TOP + UnitChart.PLOT - px(accuracy);
    }

    private static int rgb(Color color) {
        return color.getRGB() & 0xffffff;
    }
}
