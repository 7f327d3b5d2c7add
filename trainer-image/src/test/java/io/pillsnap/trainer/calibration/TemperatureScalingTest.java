package io.pillsnap.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemperatureScalingTest {

    /**
     * The fit's own sampling error shrinks as 1/sqrt(images): over 30 seeds, 20,000 images missed
     * the drawn temperature by 0.8 % (root mean square) and up to 2.2 %; 100,000 by 0.3 to 0.5 %
     * and at most 0.8 % over 12 seeds, so a 2 % miss is a fault of the fit, not bad luck.
     */
    private static final int IMAGES = 100_000;

    private static final int CLASSES = 10;

    /** Latent scores of spread 2: T 0.5 and T 3 both leave labels informative about T. */
    private static final double SCALE = 2;

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.7, 3.0})
    void recoversTheTemperatureTheLabelsWereDrawnWith(double drawnWith) {
        Random random = new Random(25);
        Logits logits = normalLogits(random);
        int[] labels = drawLabels(logits, drawnWith, random);

        TemperatureFit fit = TemperatureScaling.fit(logits, labels);

        assertThat(fit.temperature()).isCloseTo(drawnWith, within(0.02 * drawnWith));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.7, 3.0})
    void theFitNeverRaisesTheLossAboveTheRawSoftmax(double drawnWith) {
        Random random = new Random(7);
        Logits logits = normalLogits(random);
        int[] labels = drawLabels(logits, drawnWith, random);

        TemperatureFit fit = TemperatureScaling.fit(logits, labels);

        assertThat(fit.nllBefore())
                .isCloseTo(
                        TemperatureScaling.negativeLogLikelihood(logits, labels, 1), within(1e-12));
        assertThat(fit.nllAfter()).isLessThanOrEqualTo(fit.nllBefore());
    }

    @Test
    void theFittedTemperatureIsTheLossMinimumNotJustNearTheDrawnOne() {
        Random random = new Random(3);
        Logits logits = normalLogits(random);
        int[] labels = drawLabels(logits, 1.7, random);

        double fitted = TemperatureScaling.fit(logits, labels).temperature();

        double atFit = TemperatureScaling.negativeLogLikelihood(logits, labels, fitted);
        assertThat(TemperatureScaling.negativeLogLikelihood(logits, labels, fitted * 1.001))
                .isGreaterThan(atFit);
        assertThat(TemperatureScaling.negativeLogLikelihood(logits, labels, fitted / 1.001))
                .isGreaterThan(atFit);
    }

    @Test
    void negativeLogLikelihoodOfTwoImagesByHand() {
        // image 0: logits (0, ln 3), label 1: softmax = (1/4, 3/4), loss -ln(3/4)
        // image 1: logits (0, ln 3), label 0 at T = 2: logits/2 = (0, ln sqrt 3),
        //   softmax_0 = 1 / (1 + sqrt 3), loss ln(1 + sqrt 3)
        float ln3 = (float) Math.log(3);
        Logits logits = new Logits(new float[] {0, ln3, 0, ln3}, 2);

        assertThat(TemperatureScaling.negativeLogLikelihood(logits, new int[] {1, 1}, 1))
                .isCloseTo(-Math.log(0.75), within(1e-6));
        assertThat(TemperatureScaling.negativeLogLikelihood(logits, new int[] {0, 0}, 2))
                .isCloseTo(Math.log(1 + Math.sqrt(3)), within(1e-6));
    }

    @Test
    void largeLogitsDoNotOverflow() {
        Logits logits = new Logits(new float[] {1000, 990, -1000}, 3);

        double[] probabilities = TemperatureScaling.probabilities(logits.values(), 1);
        double loss = TemperatureScaling.negativeLogLikelihood(logits, new int[] {1}, 1);

        // softmax(1000, 990) = (1, e^-10) / (1 + e^-10)
        assertThat(probabilities[0]).isCloseTo(1 / (1 + Math.exp(-10)), within(1e-12));
        assertThat(probabilities[2]).isEqualTo(0);
        assertThat(loss).isCloseTo(10 + Math.log1p(Math.exp(-10)), within(1e-9));
    }

    @Test
    void calibratedProbabilitiesAndTopConfidenceFollowTheTemperature() {
        // logits (ln 4, 0, 0): T = 1 gives (4, 1, 1) / 6; T = 2 gives (2, 1, 1) / 4
        float ln4 = (float) Math.log(4);
        Logits logits = new Logits(new float[] {ln4, 0, 0, 0, 0, ln4}, 3);

        assertThat(TemperatureScaling.probabilities(new float[] {ln4, 0, 0}, 2))
                .containsExactly(new double[] {0.5, 0.25, 0.25}, within(1e-7));
        assertThat(TemperatureScaling.topConfidences(logits, 1))
                .containsExactly(new double[] {4.0 / 6, 4.0 / 6}, within(1e-7));
        assertThat(TemperatureScaling.topConfidences(logits, 2))
                .containsExactly(new double[] {0.5, 0.5}, within(1e-7));
    }

    @Test
    void aModelRightOnEveryImageWithSeparatedLogitsGetsTheLowestTemperature() {
        Logits logits = new Logits(new float[] {5, 0, 0, 5}, 2);

        TemperatureFit fit = TemperatureScaling.fit(logits, new int[] {0, 1});

        assertThat(fit.temperature()).isEqualTo(TemperatureScaling.MIN_TEMPERATURE);
    }

    @Test
    void aModelThatIsAlwaysWrongGetsTheHighestTemperature() {
        Logits logits = new Logits(new float[] {5, 0, 0, 5}, 2);

        TemperatureFit fit = TemperatureScaling.fit(logits, new int[] {1, 0});

        assertThat(fit.temperature()).isEqualTo(TemperatureScaling.MAX_TEMPERATURE);
    }

    @Test
    void noImagesIsRefusedWithTheReason() {
        Logits none = new Logits(new float[0], 4);

        assertThatThrownBy(() -> TemperatureScaling.fit(none, new int[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no images");
        assertThatThrownBy(() -> Logits.of(new float[0][]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no images");
    }

    @Test
    void mismatchedOrOutOfRangeLabelsAndNonFiniteLogitsAreRefused() {
        Logits logits = new Logits(new float[] {1, 2, 3, 4}, 2);

        assertThatThrownBy(() -> TemperatureScaling.fit(logits, new int[] {0}))
                .hasMessageContaining("1 labels for the logits of 2 images");
        assertThatThrownBy(() -> TemperatureScaling.fit(logits, new int[] {0, 2}))
                .hasMessageContaining("label 2 of image 1 is not one of the 2 classes");
        assertThatThrownBy(
                        () ->
                                TemperatureScaling.fit(
                                        new Logits(new float[] {1, Float.NaN}, 2), new int[] {0}))
                .hasMessageContaining("logit 1 of image 0 is NaN");
        assertThatThrownBy(() -> new Logits(new float[] {1, 2, 3}, 2))
                .hasMessageContaining("3 logits are not a whole number of images of 2 classes");
    }

    @Test
    void rowsAndTheFlatFormGiveTheSameFit() {
        float[][] rows = {{2, 0, 1}, {0, 3, 1}, {1, 1, 0}, {0, 0, 2}};
        int[] labels = {0, 1, 0, 1};

        double fromRows = TemperatureScaling.fit(Logits.of(rows), labels).temperature();
        double fromFlat =
                TemperatureScaling.fit(
                                new Logits(new float[] {2, 0, 1, 0, 3, 1, 1, 1, 0, 0, 0, 2}, 3),
                                labels)
                        .temperature();

        assertThat(fromRows).isEqualTo(fromFlat);
    }

    /** Latent scores N(0, 1) * {@value #SCALE}, the logits the fit sees. */
    private static Logits normalLogits(Random random) {
        float[] values = new float[IMAGES * CLASSES];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * SCALE);
        }
        return new Logits(values, CLASSES);
    }

    /** Each label drawn from softmax(z / drawnWith): the world a temperature describes exactly. */
    private static int[] drawLabels(Logits logits, double drawnWith, Random random) {
        int[] labels = new int[logits.images()];
        double[] weights = new double[CLASSES];
        for (int i = 0; i < labels.length; i++) {
            double total = 0;
            for (int c = 0; c < CLASSES; c++) {
                weights[c] = Math.exp(logits.values()[i * CLASSES + c] / drawnWith);
                total += weights[c];
            }
            double u = random.nextDouble() * total;
            int label = 0;
            double cumulative = weights[0];
            while (u >= cumulative && label < CLASSES - 1) {
                cumulative += weights[++label];
            }
            labels[i] = label;
        }
        return labels;
    }
}
