package io.pillsnap.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The system's libturbojpeg must give OpenCV's pixels (what the trainer saw) wherever the server
 * uses it; where the machine has no libturbojpeg, the server says how to get it and decodes with
 * OpenCV. Both branches assert: which one runs depends on the machine (libturbojpeg0 installed).
 */
class TurboJpegTest {

    private static final TurboJpeg TURBO = TurboJpeg.load();

    @Test
    void decodesEveryReductionAsOpenCvDoesOrSaysWhyNot() throws Exception {
        if (!TURBO.available()) {
            assertThat(TURBO.describe()).contains("decoded by OpenCV").contains("libturbojpeg0");
            assertThat(TURBO.decode(jpeg(noisy(64, 48, 1, RGB)), 1, Long.MAX_VALUE)).isNull();
            return;
        }
        assertThat(TURBO.describe()).contains("libturbojpeg (SIMD)");
        byte[][] photos = {
            jpeg(noisy(976, 1280, 2, RGB)),
            jpeg(noisy(1280, 976, 3, RGB)),
            jpeg(noisy(333, 251, 4, RGB)),
            jpeg(noisy(300, 200, 5, BufferedImage.TYPE_BYTE_GRAY)),
            progressiveJpeg(noisy(410, 390, 6, RGB))
        };
        for (int p = 0; p < photos.length; p++) {
            ImageDecoder.Header header = ImageDecoder.header(photos[p]);
            int shorter = Math.min(header.width(), header.height());
            for (int reduction : new int[] {1, 2, 4, 8}) {
                RgbImage turbo = TURBO.decode(photos[p], reduction, Long.MAX_VALUE);
                RgbImage openCv =
                        ImageDecoder.decode(
                                photos[p],
                                ImageDecoder.DEFAULT_MAX_PIXELS,
                                reduction == 1 ? 0 : (shorter + reduction - 1) / reduction);

                assertThat(turbo).as("photo %d at 1/%d", p, reduction).isNotNull();
                assertThat(new int[] {turbo.width(), turbo.height()})
                        .containsExactly(openCv.width(), openCv.height());
                assertThat(Arrays.equals(turbo.pixels(), openCv.pixels()))
                        .as("photo %d at 1/%d: the same bytes as OpenCV", p, reduction)
                        .isTrue();
            }
        }
    }

    @Test
    void leavesToOpenCvWhatItCannotDecodeCleanly() throws Exception {
        byte[] whole = jpeg(noisy(200, 160, 7, RGB));
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);

        assertThat(TURBO.decode(truncated, 1, Long.MAX_VALUE)).isNull();
        assertThat(TURBO.decode(new byte[] {1, 2, 3}, 1, Long.MAX_VALUE)).isNull();
        // over the pixel limit by its header: OpenCV's path refuses it with the reason
        assertThat(TURBO.decode(whole, 1, 200 * 160 - 1)).isNull();
    }

    private static final int RGB = BufferedImage.TYPE_INT_RGB;

    private static BufferedImage noisy(int width, int height, long seed, int type) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = Math.min(255, x * 255 / width + random.nextInt(25));
                int g = Math.min(255, y * 255 / height + random.nextInt(25));
                int b = Math.min(255, (x ^ y) % 256 / 2 + random.nextInt(60));
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        return image;
    }

    private static byte[] jpeg(BufferedImage image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "jpeg", out)).isTrue();
        return out.toByteArray();
    }

    private static byte[] progressiveJpeg(BufferedImage image) throws Exception {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
