package io.pillsnap.trainer.classifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeptLogitsTest {

    @Test
    void everyPhotoIsKeptWhileTheLogitsFit() {
        KeptLogits kept = new KeptLogits(3, 2, 6);
        float[] batch = {1, 2, 3, 4, 5, 6};
        for (int image = 0; image < 3; image++) {
            kept.offer(image, batch, image * 2, image);
        }
        assertThat(kept.stride()).isEqualTo(1);
        assertThat(kept.logits().values()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(kept.labels()).containsExactly(0, 1, 2);
    }

    @Test
    void beyondTheBudgetEveryKthPhotoIsKept() {
        // 10 photos of 4 classes = 40 values into 15: a stride of ceil(40 / 15) = 3 keeps photos
        // 0, 3, 6 and 9, 16 values
        KeptLogits kept = new KeptLogits(10, 4, 15);
        for (int image = 0; image < 10; image++) {
            float[] row = {image, image, image, image};
            kept.offer(image, row, 0, image % 4);
        }
        assertThat(kept.stride()).isEqualTo(3);
        assertThat(kept.kept()).isEqualTo(4);
        assertThat(kept.labels()).containsExactly(0, 3, 2, 1);
        assertThat(kept.logits().values())
                .containsExactly(0, 0, 0, 0, 3, 3, 3, 3, 6, 6, 6, 6, 9, 9, 9, 9);
    }

    @Test
    void itGrowsWhenMorePhotosComeThanAnnounced() {
        KeptLogits kept = new KeptLogits(1, 2, Long.MAX_VALUE);
        for (int image = 0; image < 5; image++) {
            kept.offer(image, new float[] {image, -image}, 0, -1);
        }
        assertThat(kept.kept()).isEqualTo(5);
        assertThat(kept.logits().images()).isEqualTo(5);
        assertThat(kept.logits().values()[8]).isEqualTo(4f);
    }
}
