package io.pillsnap.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorstClassRecallTest {

    @Test
    void findsTheClassRecognisedLeastOften() {
        // class 0: 2 of 2 right; class 1: 1 of 3; class 2: 3 of 4; class 3: no photos
        int[] labels = {0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] predictions = {0, 0, 1, 2, 0, 2, 2, 2, 3};

        ClassRecall worst = WorstClassRecall.of(labels, predictions, 4);

        assertThat(worst).isEqualTo(new ClassRecall(1, 3, 1, 1.0 / 3));
    }

    @Test
    void aClassWithoutPhotosIsNotTheWorstEvenThoughNothingIsRecognised() {
        // class 1 is only ever predicted, never true
        ClassRecall worst = WorstClassRecall.of(new int[] {0, 0, 2}, new int[] {0, 1, 2}, 3);

        assertThat(worst.classIndex()).isZero();
        assertThat(worst.recall()).isEqualTo(0.5);
    }

    @Test
    void tiesGoToTheLowestClassIndex() {
        ClassRecall worst = WorstClassRecall.of(new int[] {0, 1, 2}, new int[] {1, 2, 2}, 3);

        assertThat(worst).isEqualTo(new ClassRecall(0, 1, 0, 0.0));
    }

    @Test
    void noPhotosOrForeignLabelsAreRefused() {
        assertThatThrownBy(() -> WorstClassRecall.of(new int[0], new int[0], 3))
                .hasMessageContaining("no images");
        assertThatThrownBy(() -> WorstClassRecall.of(new int[] {3}, new int[] {0}, 3))
                .hasMessageContaining("label 3 of image 0 is not one of the 3 classes");
    }
}
