package io.pillsnap.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnswerThresholdTest {

    /**
     * Precision of the photos answered at each threshold t (confidence >= t):
     *
     * <pre>
     * t     right  answered  right  precision
     * 0.99  no     1         0      0
     * 0.95  yes    2         1      0.5
     * 0.90  yes    3         2      0.667
     * 0.85  yes    4         3      0.75
     * 0.80  yes    5         4      0.8
     * 0.70  yes    6         5      0.833
     * 0.60  no     7         5      0.714
     * 0.50  yes    8         6      0.75
     * 0.40  no     9         6      0.667
     * 0.30  no     10        6      0.6
     * </pre>
     *
     * A confident mistake at the top keeps the highest thresholds below every target.
     */
    private static final Answers VALIDATION =
            new Answers(
                    new double[] {0.99, 0.95, 0.90, 0.85, 0.80, 0.70, 0.60, 0.50, 0.40, 0.30},
                    new boolean[] {false, true, true, true, true, true, false, true, false, false});

    /** Shuffled, so that the order of the photos plays no part. */
    private static final Answers VALIDATION_SHUFFLED =
            new Answers(
                    new double[] {0.50, 0.99, 0.30, 0.80, 0.95, 0.60, 0.85, 0.40, 0.70, 0.90},
                    new boolean[] {true, false, false, true, true, false, true, false, true, true});

    @Test
    void picksTheLowestThresholdWhoseAnsweredPhotosReachTheTarget() {
        // 0.8 (precision exactly 0.8) and 0.7 (0.833) reach 0.8; 0.7 answers more
        assertThat(AnswerThreshold.choose(VALIDATION, 0.8)).isEqualTo(0.70);
        assertThat(AnswerThreshold.choose(VALIDATION_SHUFFLED, 0.8)).isEqualTo(0.70);
    }

    @Test
    void theLowestReachingThresholdIsTakenEvenWhenAHigherOneFallsShort() {
        // 0.85, 0.8, 0.7 and 0.5 reach 0.75; 0.6 (0.714) between them does not
        assertThat(AnswerThreshold.choose(VALIDATION, 0.75)).isEqualTo(0.50);
    }

    @Test
    void aTargetEveryPhotoReachesAnswersEveryPhoto() {
        // all ten answered: 6 / 10 = 0.6
        assertThat(AnswerThreshold.choose(VALIDATION, 0.6)).isEqualTo(0.30);
    }

    @Test
    void anUnreachableTargetAnswersNothing() {
        // the best precision is 0.833 at 0.7
        double threshold = AnswerThreshold.choose(VALIDATION, 0.84);

        assertThat(threshold).isEqualTo(Math.nextUp(1.0)).isGreaterThan(1.0);
        AnswerSummary summary = AnswerThreshold.at(VALIDATION, threshold);
        assertThat(summary.answered()).isZero();
        assertThat(summary.coverage()).isZero();
        assertThat(summary.answeredPrecision()).isNull();
    }

    @Test
    void evenAConfidenceOfExactlyOneIsNotAnsweredWhenNothingReachesTheTarget() {
        Answers sure = new Answers(new double[] {1.0, 1.0}, new boolean[] {true, false});

        double threshold = AnswerThreshold.choose(sure, 0.99);

        assertThat(AnswerThreshold.at(sure, threshold).answered()).isZero();
    }

    /**
     *
     *
     * <pre>
     * t    photos at t           answered  right  precision
     * 0.9  right                 1         1      1
     * 0.8  right, wrong, right   4         3      0.75
     * 0.7  right                 5         4      0.8
     * </pre>
     */
    private static final Answers TIED =
            new Answers(
                    new double[] {0.8, 0.9, 0.8, 0.7, 0.8},
                    new boolean[] {true, true, false, true, true});

    @Test
    void photosWithEqualConfidenceAreAnsweredTogether() {
        // answering only the two right ones at 0.8 would reach 1.0; the tie is all or nothing
        assertThat(AnswerThreshold.choose(TIED, 1.0)).isEqualTo(0.9);
        assertThat(AnswerThreshold.choose(TIED, 0.8)).isEqualTo(0.7);
        assertThat(AnswerThreshold.choose(TIED, 0.76)).isEqualTo(0.7);

        AnswerSummary atTie = AnswerThreshold.at(TIED, 0.8);
        assertThat(atTie.answered()).isEqualTo(4);
        assertThat(atTie.correctAnswered()).isEqualTo(3);
        assertThat(atTie.answeredPrecision()).isEqualTo(0.75);
    }

    @Test
    void theThresholdChosenOnValidationIsMeasuredOnAnotherSet() {
        double threshold = AnswerThreshold.choose(VALIDATION, 0.8);
        // test photos: 0.75 and 0.70 are answered (one right), 0.69 and 0.2 are not sure
        Answers test =
                new Answers(
                        new double[] {0.69, 0.75, 0.2, 0.70},
                        new boolean[] {true, true, false, false});

        AnswerSummary summary = AnswerThreshold.at(test, threshold);

        assertThat(summary.threshold()).isEqualTo(0.7);
        assertThat(summary.images()).isEqualTo(4);
        assertThat(summary.answered()).isEqualTo(2);
        assertThat(summary.correctAnswered()).isEqualTo(1);
        assertThat(summary.coverage()).isEqualTo(0.5);
        assertThat(summary.answeredPrecision()).isEqualTo(0.5);
    }

    @Test
    void riskCoverageHasOnePointPerDistinctConfidenceFromTheTopDown() {
        var curve = AnswerThreshold.riskCoverage(TIED);

        assertThat(curve)
                .containsExactly(
                        new RiskCoveragePoint(0.9, 0.2, 0),
                        new RiskCoveragePoint(0.8, 0.8, 0.25),
                        new RiskCoveragePoint(0.7, 1.0, 0.2));
    }

    @Test
    void riskCoverageAgreesWithTheSummaryAtEveryThreshold() {
        for (RiskCoveragePoint point : AnswerThreshold.riskCoverage(VALIDATION_SHUFFLED)) {
            AnswerSummary summary = AnswerThreshold.at(VALIDATION_SHUFFLED, point.threshold());
            assertThat(point.coverage()).isEqualTo(summary.coverage());
            assertThat(point.risk()).isCloseTo(1 - summary.answeredPrecision(), within(1e-12));
        }
    }

    @Test
    void badTargetsAndEmptySetsAreRefused() {
        assertThatThrownBy(() -> AnswerThreshold.choose(VALIDATION, 0))
                .hasMessageContaining("target precision must be in (0, 1], got 0.0");
        assertThatThrownBy(() -> AnswerThreshold.choose(VALIDATION, 1.2))
                .hasMessageContaining("got 1.2");
        Answers none = new Answers(new double[0], new boolean[0]);
        assertThatThrownBy(() -> AnswerThreshold.choose(none, 0.99))
                .hasMessageContaining("no images");
        assertThatThrownBy(() -> AnswerThreshold.at(none, 0.5)).hasMessageContaining("no images");
    }
}
