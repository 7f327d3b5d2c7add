package io.pillsnap.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.NativeImaging;
import io.pillsnap.api.artifact.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * PNGs inflated by the system's libdeflate must give OpenCV's pixels (what the trainer saw), for
 * PNGs written by three encoders: ImageMagick's (committed fixtures, {@code png/make-fixtures.sh}),
 * OpenCV's libpng and Java's ImageIO. Where the machine has no libdeflate, the server says how to
 * get it and decodes with OpenCV: both branches assert, which one runs depends on the machine.
 */
class LibdeflatePngTest {

    private static final LibdeflatePng PNG = LibdeflatePng.load();

    private static final String[] DECODED = {
        "rgb-adaptive-filters.png",
        "rgb-unfiltered.png",
        "rgb-several-idat.png",
        "gray.png",
        "gray-alpha.png",
        "rgba.png"
    };

    @Test
    void decodesImageMagicksPngsAsOpenCvDoesOrSaysWhyNot() throws Exception {
        if (!PNG.available()) {
            assertThat(PNG.describe()).contains("decoded by OpenCV").contains("libdeflate0");
            assertThat(PNG.decode(fixture("rgba.png"), Long.MAX_VALUE)).isNull();
            return;
        }
        assertThat(PNG.describe()).contains("libdeflate, checked to give OpenCV's pixels");
        Set<Integer> filters = new TreeSet<>();
        for (String name : DECODED) {
            byte[] png = fixture(name);
            assertSameAsOpenCv(name, png);
            filters.addAll(rowFilters(png));
        }
        // None, Sub, Up, Average and Paeth rows were all undone
        assertThat(filters).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void decodesOpenCvsAndImageIosPngsAsOpenCvDoes() throws Exception {
        NativeImaging.load();
        for (int channels : new int[] {1, 3, 4}) {
            Mat mat = noisyMat(97, 131, channels);
            for (int level : new int[] {0, 1, 6, 9}) {
                for (int strategy :
                        new int[] {
                            Imgcodecs.IMWRITE_PNG_STRATEGY_DEFAULT,
                            Imgcodecs.IMWRITE_PNG_STRATEGY_FILTERED,
                            Imgcodecs.IMWRITE_PNG_STRATEGY_RLE
                        }) {
                    MatOfByte encoded = new MatOfByte();
                    assertThat(
                                    Imgcodecs.imencode(
                                            ".png",
                                            mat,
                                            encoded,
                                            new MatOfInt(
                                                    Imgcodecs.IMWRITE_PNG_COMPRESSION,
                                                    level,
                                                    Imgcodecs.IMWRITE_PNG_STRATEGY,
                                                    strategy)))
                            .isTrue();
                    assertSameAsOpenCv(
                            "OpenCV's PNG of "
                                    + channels
                                    + " channels, level "
                                    + level
                                    + ", strategy "
                                    + strategy,
                            encoded.toArray());
                }
            }
        }
        for (int type :
                new int[] {
                    BufferedImage.TYPE_3BYTE_BGR,
                    BufferedImage.TYPE_INT_ARGB,
                    BufferedImage.TYPE_BYTE_GRAY
                }) {
            assertSameAsOpenCv("ImageIO's PNG of type " + type, imageIoPng(type));
        }
    }

    @Test
    void leavesToOpenCvTheLayoutsItDoesNotDecode() throws Exception {
        for (String name :
                new String[] {"interlaced.png", "rgb-16-bit.png", "palette.png", "rgb-trns.png"}) {
            byte[] png = fixture(name);

            assertThat(PNG.decode(png, Long.MAX_VALUE)).as(name).isNull();
            // and OpenCV decodes them, so the server answers them as before
            assertThat(ImageDecoder.decode(png, Long.MAX_VALUE).width()).as(name).isEqualTo(61);
        }
    }

    @Test
    void leavesDamagedPngsToOpenCv() throws Exception {
        byte[] whole = fixture("rgb-several-idat.png");
        byte[] flipped = whole.clone();
        flipped[flipped.length / 2] ^= 0x10; // inside the pixel data: its chunk's CRC fails
        byte[] truncated = Arrays.copyOf(whole, whole.length - 100);

        assertThat(PNG.decode(flipped, Long.MAX_VALUE)).isNull();
        assertThat(PNG.decode(truncated, Long.MAX_VALUE)).isNull();
        assertThat(PNG.decode(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Long.MAX_VALUE)).isNull();
        assertThat(PNG.decode(jpeg(), Long.MAX_VALUE)).isNull();
        // over the pixel limit by its header: OpenCV's path refuses it with the reason
        assertThat(PNG.decode(whole, 160 * 120 - 1)).isNull();
    }

    private static void assertSameAsOpenCv(String what, byte[] png) throws Exception {
        RgbImage ours = PNG.decode(png, Long.MAX_VALUE);
        RgbImage openCv = ImageDecoder.decode(png, ImageDecoder.DEFAULT_MAX_PIXELS);
        if (!PNG.available()) {
            assertThat(ours).as("%s without libdeflate: left to OpenCV", what).isNull();
            return;
        }

        assertThat(ours).as(what).isNotNull();
        assertThat(new int[] {ours.width(), ours.height()})
                .as(what)
                .containsExactly(openCv.width(), openCv.height());
        assertThat(Arrays.equals(ours.pixels(), openCv.pixels()))
                .as("%s: the same bytes as OpenCV", what)
                .isTrue();
    }

    /** The filter types of a non-interlaced 8-bit PNG's rows, read with Java's own zlib. */
    private static Set<Integer> rowFilters(byte[] png) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(8);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        int width = 0;
        int height = 0;
        int channels = 0;
        while (in.remaining() >= 12) {
            int length = in.getInt();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            in.getInt();
            String name = new String(type, StandardCharsets.US_ASCII);
            if (name.equals("IHDR")) {
                ByteBuffer header = ByteBuffer.wrap(data);
                width = header.getInt();
                height = header.getInt();
                channels =
                        switch (data[9]) {
                            case 0 -> 1;
                            case 2 -> 3;
                            case 4 -> 2;
                            default -> 4;
                        };
            } else if (name.equals("IDAT")) {
                idat.write(data);
            }
        }
        int stride = width * channels + 1;
        byte[] raw = new byte[height * stride];
        Inflater inflater = new Inflater();
        inflater.setInput(idat.toByteArray());
        assertThat(inflater.inflate(raw)).isEqualTo(raw.length);
        inflater.end();
        Set<Integer> filters = new TreeSet<>();
        for (int y = 0; y < height; y++) {
            filters.add((int) raw[y * stride]);
        }
        return filters;
    }

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = LibdeflatePngTest.class.getResourceAsStream("/png/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static Mat noisyMat(int rows, int cols, int channels) {
        Random random = new Random(rows * 31L + channels);
        byte[] pixels = new byte[rows * cols * channels];
        for (int i = 0; i < pixels.length; i++) {
            int x = i / channels % cols;
            int y = i / channels / cols;
            pixels[i] = (byte) Math.min(255, (x * 2 + y) % 256 + random.nextInt(20));
        }
        Mat mat = new Mat(rows, cols, CvType.CV_8UC(channels));
        mat.put(0, 0, pixels);
        return mat;
    }

    private static byte[] imageIoPng(int type) throws Exception {
        Random random = new Random(type);
        BufferedImage image = new BufferedImage(83, 59, type);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int a = 128 + random.nextInt(128);
                image.setRGB(x, y, a << 24 | (x * 3) << 16 | (y * 4) << 8 | random.nextInt(256));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, "png", out)).isTrue();
        return out.toByteArray();
    }

    private static byte[] jpeg() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(
                        ImageIO.write(
                                new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "jpeg", out))
                .isTrue();
        return out.toByteArray();
    }
}
