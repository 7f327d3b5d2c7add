package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.RgbImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    private static final Augmentation NONE = new Augmentation(1, 1, 0, 0, 0, 0, 0, null);

    @Test
    void withoutAugmentationAPictureOfTheInputSizeComesOutUnchanged() {
        RgbImage picture = noise(40, 40, 1);

        byte[] out = new Augmenter(NONE, 40).augment(picture, new Random(3));

        assertThat(out).isEqualTo(picture.pixels());
    }

    @Test
    void aCertainFlipMirrorsThePicture() {
        RgbImage picture = noise(40, 40, 2);
        Augmentation flip = new Augmentation(1, 1, 0, 1, 0, 0, 0, null);

        byte[] out = new Augmenter(flip, 40).augment(picture, new Random(3));

        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 40; x++) {
                for (int c = 0; c < 3; c++) {
                    assertThat(out[(y * 40 + x) * 3 + c] & 0xff)
                            .isEqualTo(picture.at(39 - x, y, c));
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameInputAndBrightnessMovesTheMean() {
        RgbImage picture = noise(90, 120, 3);
        Augmentation defaults = Augmentation.defaults();
        Augmenter augmenter = new Augmenter(defaults, 64);

        byte[] first = augmenter.augment(picture, new Random(7));
        byte[] again = augmenter.augment(picture, new Random(7));
        byte[] other = augmenter.augment(picture, new Random(8));

        assertThat(first).hasSize(64 * 64 * 3).isEqualTo(again).isNotEqualTo(other);
        // brightness alone scales every channel: the mean follows the drawn factor
        Augmentation brightness = new Augmentation(1, 1, 0, 0, 0.5, 0, 0, null);
        RgbImage gray = new RgbImage(64, 64, filled(64 * 64 * 3, 100));
        Random random = new Random(11);
        byte[] lit = new Augmenter(brightness, 64).augment(gray, random);
        Random replay = new Random(11);
        for (int i = 0; i < 6; i++) {
            replay.nextDouble(); // the crop's area, ratio, x, y; the rotation; the flip
        }
        double factor = 1 + (replay.nextDouble() * 2 - 1) * 0.5;
        assertThat(lit[0] & 0xff).isEqualTo((int) Math.round(100 * factor));
        assertThat(lit[lit.length - 1]).isEqualTo(lit[0]);
    }

    private static RgbImage noise(int width, int height, long seed) {
        byte[] pixels = new byte[width * height * 3];
        new Random(seed).nextBytes(pixels);
        return new RgbImage(width, height, pixels);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
