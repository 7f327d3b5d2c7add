package io.pillsnap.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class PreprocessingTest {

    @Test
    void halvingAveragesEachTwoByTwoBlock() {
        RgbImage image = new RgbImage(4, 2, new byte[4 * 2 * 3]);
        int[] reds = {0, 100, 200, 40, 20, 60, 80, 120};
        for (int i = 0; i < reds.length; i++) {
            image.pixels()[i * 3] = (byte) reds[i];
        }

        byte[] out = Resampler.resample(image, 0, 0, 4, 2, 2, 1);

        assertThat(out[0] & 0xff).isEqualTo((0 + 100 + 20 + 60) / 4);
        assertThat(out[3] & 0xff).isEqualTo((200 + 40 + 80 + 120) / 4);
    }

    @Test
    void uniformImageStaysUniformAtAnyScale() {
        BufferedImage image = solid(976, 1280, 0x336699);

        float[] tensor = Preprocessing.imagenet(64).toTensor(RgbImage.of(image));

        float red = (float) ((0x33 / 255.0 - 0.485) / 0.229);
        float blue = (float) ((0x99 / 255.0 - 0.406) / 0.225);
        assertThat(tensor).hasSize(3 * 64 * 64);
        assertThat(tensor[0]).isCloseTo(red, within(1e-5f));
        assertThat(tensor[2 * 64 * 64 + 4095]).isCloseTo(blue, within(1e-5f));
    }

    @Test
    void portraitPhotoKeepsItsCentreSquare() {
        BufferedImage image = solid(100, 200, 0x000000);
        for (int y = 50; y < 150; y++) {
            for (int x = 0; x < 100; x++) {
                image.setRGB(x, y, 0xffffff);
            }
        }

        float[] tensor = Preprocessing.imagenet(10).toTensor(RgbImage.of(image));

        float white = (float) ((1.0 - 0.485) / 0.229);
        for (int p = 0; p < 100; p++) {
            assertThat(tensor[p]).isCloseTo(white, within(1e-5f));
        }
    }

    @Test
    void enlargingInterpolates() {
        RgbImage image = new RgbImage(2, 1, new byte[] {0, 0, 0, (byte) 200, 0, 0});

        byte[] out = Resampler.resample(image, 0, 0, 2, 1, 4, 1);

        assertThat(out[0] & 0xff).isEqualTo(0);
        assertThat(out[3] & 0xff).isEqualTo(50);
        assertThat(out[6] & 0xff).isEqualTo(150);
        assertThat(out[9] & 0xff).isEqualTo(200);
    }

    private static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }
}
