package io.pillsnap.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
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

    @Test
    void photoBytesGiveTheSameTensorAsTheDecodedPhoto() throws Exception {
        // the server's path (decoder's BGR matrix, no RGB copy) against the trainer's (RgbImage)
        Preprocessing preprocessing = Preprocessing.imagenet(128);
        Map<String, byte[]> photos = new LinkedHashMap<>();
        photos.put("portrait jpeg (reduced 1/4)", encode(noisy(976, 1280, 1, TYPE_RGB), "jpeg"));
        photos.put("landscape jpeg (reduced 1/2)", encode(noisy(700, 300, 2, TYPE_RGB), "jpeg"));
        photos.put("png", encode(noisy(330, 250, 3, TYPE_RGB), "png"));
        photos.put("gray png", encode(noisy(200, 260, 4, BufferedImage.TYPE_BYTE_GRAY), "png"));
        photos.put("small jpeg (enlarged)", encode(noisy(90, 70, 5, TYPE_RGB), "jpeg"));
        for (var photo : photos.entrySet()) {
            float[] expected =
                    preprocessing.toTensor(
                            ImageDecoder.decode(
                                    photo.getValue(),
                                    ImageDecoder.DEFAULT_MAX_PIXELS,
                                    preprocessing.decodeSide()));
            float[] actual = new float[expected.length + 7];

            preprocessing.toTensor(photo.getValue(), ImageDecoder.DEFAULT_MAX_PIXELS, actual, 7);

            assertThat(Arrays.copyOfRange(actual, 7, actual.length))
                    .as(photo.getKey())
                    .containsExactly(expected);
        }
    }

    @Test
    void photoBytesOverThePixelLimitAreRefused() throws Exception {
        byte[] jpeg = encode(noisy(100, 80, 6, TYPE_RGB), "jpeg");

        assertThatThrownBy(
                        () -> Preprocessing.imagenet(32).toTensor(jpeg, 7_999, new float[3072], 0))
                .isInstanceOf(ImageDecoder.UnreadableImageException.class)
                .hasMessageContaining("100 x 80 pixels, over the limit of 7999 pixels");
    }

    private static final int TYPE_RGB = BufferedImage.TYPE_INT_RGB;

    /** Smooth colour gradients with noise, so that every channel differs from the others. */
    private static BufferedImage noisy(int width, int height, long seed, int type) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = Math.min(255, x * 255 / width + random.nextInt(20));
                int g = Math.min(255, y * 255 / height + random.nextInt(20));
                int b = Math.min(255, (x + y) % 256 / 2 + random.nextInt(40));
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
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
