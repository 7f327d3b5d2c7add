package io.pillsnap.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UnknownSeparationTest {

    @Test
    void everyKnownAboveEveryUnknownIsPerfect() {
        assertThat(UnknownSeparation.auroc(new double[] {0.9, 0.8, 0.7}, new double[] {0.6, 0.1}))
                .isEqualTo(1.0);
    }

    @Test
    void everyKnownBelowEveryUnknownIsInverted() {
        assertThat(UnknownSeparation.auroc(new double[] {0.2, 0.3}, new double[] {0.9, 0.4, 0.5}))
                .isEqualTo(0.0);
    }

    @Test
    void tiesCountOneHalf() {
        // known {0.8, 0.5, 0.3}, unknown {0.5, 0.2}: 6 pairs
        // 0.8 beats 0.5 and 0.2: 2; 0.5 ties 0.5 (1/2) and beats 0.2: 1.5; 0.3 beats 0.2: 1
        // AUROC = (2 + 1.5 + 1) / 6 = 0.75
        assertThat(UnknownSeparation.auroc(new double[] {0.8, 0.5, 0.3}, new double[] {0.5, 0.2}))
                .isCloseTo(0.75, within(1e-12));
    }

    @Test
    void identicalConfidencesEverywhereIsChance() {
        assertThat(UnknownSeparation.auroc(new double[] {0.4, 0.4}, new double[] {0.4, 0.4, 0.4}))
                .isEqualTo(0.5);
    }

    @Test
    void repeatedTiesOnBothSidesAreCountedOnce() {
        // known {0.6, 0.6, 0.4}, unknown {0.6, 0.4, 0.4, 0.1}: 12 pairs
        // each 0.6: ties 0.6 (1/2), beats 0.4, 0.4, 0.1 (3): 3.5, twice = 7
        // 0.4: ties 0.4 twice (1), beats 0.1 (1): 2
        // AUROC = 9 / 12 = 0.75
        assertThat(
                        UnknownSeparation.auroc(
                                new double[] {0.4, 0.6, 0.6}, new double[] {0.4, 0.1, 0.6, 0.4}))
                .isCloseTo(0.75, within(1e-12));
    }

    @Test
    void rejectionAndAnsweredShareAtTheThreshold() {
        // threshold 0.7: unknowns 0.9 and 0.7 are answered (wrongly), 0.3, 0.2 and 0.1 are not
        // sure: 3 of 5 rejected; knowns 0.95, 0.8 and 0.7 answered, 0.5 not: 3 of 4
        UnknownSeparation separation =
                UnknownSeparation.measure(
                        new double[] {0.95, 0.8, 0.7, 0.5},
                        new double[] {0.9, 0.7, 0.3, 0.2, 0.1},
                        0.7);

        assertThat(separation.known()).isEqualTo(4);
        assertThat(separation.unknown()).isEqualTo(5);
        assertThat(separation.unknownRejection()).isEqualTo(0.6);
        assertThat(separation.knownAnswered()).isEqualTo(0.75);
        // pairs won of 20: 0.95 beats 5; 0.8 beats 4; 0.7 ties 0.7 and beats 3: 3.5; 0.5 beats 3
        assertThat(separation.auroc()).isCloseTo(15.5 / 20, within(1e-12));
    }

    @Test
    void theThresholdThatAnswersNothingRejectsEveryUnknown() {
        UnknownSeparation separation =
                UnknownSeparation.measure(
                        new double[] {1.0}, new double[] {1.0, 0.4}, Math.nextUp(1.0));

        assertThat(separation.unknownRejection()).isEqualTo(1.0);
        assertThat(separation.knownAnswered()).isZero();
    }

    @Test
    void noUnknownPhotosIsRefusedWithTheSettingToChange() {
        assertThatThrownBy(() -> UnknownSeparation.measure(new double[] {0.9}, new double[0], 0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 known and 0 unknown photos")
                .hasMessageContaining("spec.dataset.unknownFraction");
    }
}
