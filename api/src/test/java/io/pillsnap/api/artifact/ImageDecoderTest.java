package io.pillsnap.api.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.api.artifact.ImageDecoder.UnreadableImageException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    @Test
    void decodesPngJpegAndBmpToTheSameRgb() throws Exception {
        BufferedImage drawn = pill(97, 131, BufferedImage.TYPE_INT_RGB);
        RgbImage png = ImageDecoder.decode(encode(drawn, "png"), ImageDecoder.DEFAULT_MAX_PIXELS);
        RgbImage bmp = ImageDecoder.decode(encode(drawn, "bmp"), ImageDecoder.DEFAULT_MAX_PIXELS);
        RgbImage jpeg = ImageDecoder.decode(encode(drawn, "jpg"), ImageDecoder.DEFAULT_MAX_PIXELS);

        assertThat(png).usingRecursiveComparison().isEqualTo(RgbImage.of(drawn));
        assertThat(bmp.pixels()).isEqualTo(png.pixels());
        assertThat(jpeg.width()).isEqualTo(97);
        assertThat(jpeg.height()).isEqualTo(131);
        assertThat(meanAbsoluteDifference(jpeg.pixels(), png.pixels())).isLessThan(3.0);
    }

    @Test
    void grayAndTransparentPhotosBecomeRgbWithoutAlpha() throws Exception {
        BufferedImage gray = pill(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage argb = pill(40, 30, BufferedImage.TYPE_INT_ARGB);

        RgbImage fromGray =
                ImageDecoder.decode(encode(gray, "png"), ImageDecoder.DEFAULT_MAX_PIXELS);
        RgbImage fromArgb =
                ImageDecoder.decode(encode(argb, "png"), ImageDecoder.DEFAULT_MAX_PIXELS);

        assertThat(fromGray.pixels()).hasSize(40 * 30 * 3);
        assertThat(fromGray.at(20, 15, 0)).isEqualTo(fromGray.at(20, 15, 2));
        assertThat(fromArgb.pixels()).isEqualTo(RgbImage.of(argb).pixels());
    }

    @Test
    void aJpegIsReducedInTheDctDomainOnlyAsFarAsTheCallerNeeds() throws Exception {
        byte[] jpeg = encode(pill(976, 1280, BufferedImage.TYPE_INT_RGB), "jpg");

        RgbImage for128 = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS, 128);
        RgbImage for384 = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS, 384);
        RgbImage for100 = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS, 100);
        RgbImage whole = ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS, 0);

        assertThat(new int[] {for128.width(), for128.height()}).containsExactly(244, 320);
        assertThat(new int[] {for384.width(), for384.height()}).containsExactly(488, 640);
        assertThat(new int[] {for100.width(), for100.height()}).containsExactly(122, 160);
        assertThat(new int[] {whole.width(), whole.height()}).containsExactly(976, 1280);
        // the reduced decode is the whole photo shrunk, up to JPEG's own error
        RgbImage shrunk = Resampler.resize(whole, 244, 320);
        assertThat(meanAbsoluteDifference(for128.pixels(), shrunk.pixels())).isLessThan(2.0);
        // a PNG is always decoded whole
        byte[] png = encode(pill(976, 1280, BufferedImage.TYPE_INT_RGB), "png");
        assertThat(ImageDecoder.decode(png, ImageDecoder.DEFAULT_MAX_PIXELS, 128).width())
                .isEqualTo(976);
    }

    @Test
    void aDecompressionBombIsRefusedByItsHeaderBeforeAnyPixelIsDecoded() throws Exception {
        // a 20-byte-wide PNG whose header claims 100,000 x 100,000 pixels (the data is not there)
        byte[] bomb = withPngSize(encode(pill(20, 20, BufferedImage.TYPE_INT_RGB), "png"), 100_000);

        assertThat(ImageDecoder.header(bomb).pixels()).isEqualTo(10_000_000_000L);
        assertThatThrownBy(() -> ImageDecoder.decode(bomb, ImageDecoder.DEFAULT_MAX_PIXELS))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessage("image is 100000 x 100000 pixels, over the limit of 64000000 pixels");
    }

    @Test
    void whatIsNoPhotoSaysWhy() throws Exception {
        byte[] png = encode(pill(50, 50, BufferedImage.TYPE_INT_RGB), "png");
        byte[] gif = encode(pill(50, 50, BufferedImage.TYPE_INT_RGB), "gif");

        assertThatThrownBy(
                        () ->
                                ImageDecoder.decode(
                                        "hello".getBytes(), ImageDecoder.DEFAULT_MAX_PIXELS))
                .hasMessage("not a PNG, JPEG or BMP image");
        assertThatThrownBy(() -> ImageDecoder.decode(gif, ImageDecoder.DEFAULT_MAX_PIXELS))
                .hasMessage("not a PNG, JPEG or BMP image (its bytes are gif)");
        assertThatThrownBy(
                        () ->
                                ImageDecoder.decode(
                                        Arrays.copyOf(png, png.length / 2),
                                        ImageDecoder.DEFAULT_MAX_PIXELS))
                .hasMessage(
                        "not a readable image: its png data cannot be decoded (truncated or"
                                + " corrupt?)");
    }

    static BufferedImage pill(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(60, 110, 170));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(240, 230, 200));
            g.fillOval(width / 5, height / 4, width * 3 / 5, height / 2);
            g.setColor(new Color(200, 40, 40));
            g.drawString("K20", width / 2 - 8, height / 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }

    private static double meanAbsoluteDifference(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
        }
        return (double) sum / a.length;
    }

    /** The PNG with its IHDR width and height set to {@code side} (checksum fixed). */
    private static byte[] withPngSize(byte[] png, int side) {
        byte[] out = png.clone();
        ByteBuffer buffer = ByteBuffer.wrap(out);
        buffer.putInt(16, side).putInt(20, side);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        return out;
    }
}
