package io.pillsnap.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationErrorTest {

    /**
     * Eight images in 15 bins of width 1/15, bin m - 1 holding ((m-1)/15, m/15]:
     *
     * <pre>
     * confidence  right  bin (index)
     * 1.00        yes    (14/15, 1]     14
     * 0.95        yes    (14/15, 1]     14
     * 0.95        no     (14/15, 1]     14
     * 0.70        yes    (10/15, 11/15] 10
     * 0.50        yes    (7/15, 8/15]    7
     * 0.50        yes    (7/15, 8/15]    7
     * 0.20        no     (2/15, 3/15]    2   (on the upper bound 3/15: stays in bin 2)
     * 0.00        no     [0, 1/15]       0   (confidence 0 goes into the first bin)
     *
     * bin 14: 3 images, accuracy 2/3, mean confidence 2.9/3; |2/3 - 2.9/3| = 0.3, * 3/8 = 0.1125
     * bin 10: 1 image,  accuracy 1,   mean confidence 0.7;   |1 - 0.7|     = 0.3, * 1/8 = 0.0375
     * bin  7: 2 images, accuracy 1,   mean confidence 0.5;   |1 - 0.5|     = 0.5, * 2/8 = 0.125
     * bin  2: 1 image,  accuracy 0,   mean confidence 0.2;   |0 - 0.2|     = 0.2, * 1/8 = 0.025
     * bin  0: 1 image,  accuracy 0,   mean confidence 0;     0
     * ECE = 0.1125 + 0.0375 + 0.125 + 0.025 + 0 = 0.3
     * </pre>
     */
    @Test
    void eceOfEightImagesEqualsTheHandComputation() {
        Answers answers =
                new Answers(
                        new double[] {1.00, 0.95, 0.95, 0.70, 0.50, 0.50, 0.20, 0.00},
                        new boolean[] {true, true, false, true, true, true, false, false});

        Reliability reliability = CalibrationError.measure(answers);

        assertThat(reliability.ece()).isCloseTo(0.3, within(1e-12));
        assertThat(reliability.images()).isEqualTo(8);
        List<ReliabilityBin> bins = reliability.bins();
        assertThat(bins).hasSize(15);
        assertThat(bins.stream().mapToInt(ReliabilityBin::count).toArray())
                .containsExactly(1, 0, 1, 0, 0, 0, 0, 2, 0, 0, 1, 0, 0, 0, 3);
        assertThat(bins.get(14).accuracy()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(bins.get(14).meanConfidence()).isCloseTo(2.9 / 3, within(1e-12));
        assertThat(bins.get(7).accuracy()).isEqualTo(1);
        assertThat(bins.get(7).meanConfidence()).isEqualTo(0.5);
        assertThat(bins.get(2).accuracy()).isZero();
        assertThat(bins.get(2).meanConfidence()).isEqualTo(0.2);
        assertThat(bins.get(3).accuracy()).isZero();
        assertThat(bins.get(3).meanConfidence()).isZero();
    }

    @Test
    void binsCoverZeroToOneInFifteenthsWithTheUpperBoundInside() {
        List<ReliabilityBin> bins =
                CalibrationError.measure(new Answers(new double[] {0.5}, new boolean[] {true}))
                        .bins();

        assertThat(bins.get(0).lower()).isZero();
        assertThat(bins.get(0).upper()).isEqualTo(1.0 / 15);
        assertThat(bins.get(4).upper()).isEqualTo(5.0 / 15);
        assertThat(bins.get(14).upper()).isEqualTo(1);
        for (int m = 1; m <= 15; m++) {
            double bound = (double) m / 15;
            assertThat(CalibrationError.bin(bound, 15)).as("%d/15", m).isEqualTo(m - 1);
            if (m < 15) {
                assertThat(CalibrationError.bin(Math.nextUp(bound), 15))
                        .as("just above %d/15", m)
                        .isEqualTo(m);
            }
        }
        assertThat(CalibrationError.bin(1.0 / 3, 15)).isEqualTo(4);
        assertThat(CalibrationError.bin(0, 15)).isZero();
    }

    @Test
    void confidenceThatMatchesAccuracyInEveryBinHasNoCalibrationError() {
        // bin (11/15, 12/15]: four images at 0.75, three right (accuracy 0.75)
        // bin (4/15, 5/15]: ten images at 0.3, three right (accuracy 0.3)
        Answers answers =
                new Answers(
                        new double[] {
                            0.75, 0.75, 0.75, 0.75, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3
                        },
                        new boolean[] {
                            true, true, true, false, true, true, true, false, false, false, false,
                            false, false, false
                        });

        assertThat(CalibrationError.measure(answers).ece()).isCloseTo(0, within(1e-12));
    }

    @Test
    void noImagesIsRefused() {
        assertThatThrownBy(
                        () -> CalibrationError.measure(new Answers(new double[0], new boolean[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no images");
    }

    @Test
    void confidencesOutsideZeroToOneAreRefused() {
        assertThatThrownBy(() -> new Answers(new double[] {1.5}, new boolean[] {true}))
                .hasMessageContaining("confidence of image 0 is 1.5, not in [0, 1]");
        assertThatThrownBy(() -> new Answers(new double[] {Double.NaN}, new boolean[] {true}))
                .hasMessageContaining("is NaN");
    }
}
