package io.pillsnap.inference.predict;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * JPEG decoding by libjpeg-turbo's TurboJPEG library of the system ({@code libturbojpeg0} on
 * Debian, {@code libturbojpeg} on Ubuntu), when there is one: its SIMD code decodes the bench's
 * photo at 1/4 in about 1.2 ms, where the libjpeg-turbo inside OpenCV's jar, built without SIMD,
 * takes about 2 ms. It is used only when it gives the very bytes OpenCV gives: checked once at
 * start on drawn photos at every DCT reduction, in colour and gray; otherwise, and for anything it
 * does not decode cleanly (other colour spaces, warnings on damaged files), OpenCV decodes, as the
 * trainer does.
 */
final class TurboJpeg extends CheckedNativeDecoder {

    private static final int PIXEL_FORMAT_RGB = 0;
    private static final int COLORSPACE_YCBCR = 1;
    private static final int COLORSPACE_GRAY = 2;

    private TurboJpeg(boolean available, String description) {
        super(available, description);
    }

    /** The system's library after the check against OpenCV, or the reason it is not used. */
    static TurboJpeg load() {
        if (!SystemLibraries.register(Functions.class, "turbojpeg", "libturbojpeg.so.0")) {
            return new TurboJpeg(
                    false,
                    "JPEG photos are decoded by OpenCV (libturbojpeg not found: install"
                            + " libturbojpeg0 for about a third less decoding time)");
        }
        TurboJpeg turbo = new TurboJpeg(true, "");
        String mismatch = turbo.mismatchWithOpenCv();
        if (mismatch != null) {
            return new TurboJpeg(
                    false,
                    "JPEG photos are decoded by OpenCV: the system's libturbojpeg decodes "
                            + mismatch
                            + " differently, and the server must see the trainer's pixels");
        }
        return new TurboJpeg(
                true,
                "JPEG photos are decoded by the system's libturbojpeg (SIMD), checked to give"
                        + " OpenCV's pixels");
    }

    /**
     * The photo decoded at 1/{@code reduction} of its size (1, 2, 4 or 8), or null when TurboJPEG
     * does not decode it cleanly, or its header claims more than {@code maxPixels}, and OpenCV
     * should (which refuses what is over the limit).
     */
    RgbImage decode(byte[] jpeg, int reduction, long maxPixels) {
        if (!available()) {
            return null;
        }
        Pointer handle = Functions.tjInitDecompress();
        if (handle == null) {
            return null;
        }
        try {
            NativeLong size = new NativeLong(jpeg.length);
            int[] width = new int[1];
            int[] height = new int[1];
            int[] subsampling = new int[1];
            int[] colorspace = new int[1];
            if (Functions.tjDecompressHeader3(
                                    handle, jpeg, size, width, height, subsampling, colorspace)
                            != 0
                    || (colorspace[0] != COLORSPACE_YCBCR && colorspace[0] != COLORSPACE_GRAY)
                    || (long) width[0] * height[0] > maxPixels) {
                return null;
            }
            // libjpeg's scaled size: the side divided by the reduction, rounded up
            int w = (width[0] + reduction - 1) / reduction;
            int h = (height[0] + reduction - 1) / reduction;
            byte[] rgb = new byte[w * h * 3];
            if (Functions.tjDecompress2(handle, jpeg, size, rgb, w, 0, h, PIXEL_FORMAT_RGB, 0)
                    != 0) {
                return null;
            }
            return new RgbImage(w, h, rgb);
        } finally {
            Functions.tjDestroy(handle);
        }
    }

    /** The first drawn photo and reduction where the two decoders differ, or null. */
    private String mismatchWithOpenCv() {
        try {
            for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY}) {
                byte[] jpeg = drawn(203, 157, type);
                for (int reduction : new int[] {1, 2, 4, 8}) {
                    RgbImage turbo = decode(jpeg, reduction, ImageDecoder.DEFAULT_MAX_PIXELS);
                    int side = reduction == 1 ? 0 : (157 + reduction - 1) / reduction;
                    RgbImage openCv =
                            ImageDecoder.decode(jpeg, ImageDecoder.DEFAULT_MAX_PIXELS, side);
                    if (turbo == null
                            || turbo.width() != openCv.width()
                            || turbo.height() != openCv.height()
                            || !Arrays.equals(turbo.pixels(), openCv.pixels())) {
                        return (type == BufferedImage.TYPE_BYTE_GRAY ? "a gray" : "a colour")
                                + " JPEG at 1/"
                                + reduction;
                    }
                }
            }
            return null;
        } catch (ImageDecoder.UnreadableImageException | IOException | RuntimeException e) {
            return "its test photos (" + e.getMessage() + ")";
        }
    }

    /** Colour gradients with noise, so that every reduction and channel has detail. */
    private static byte[] drawn(int width, int height, int type) throws IOException {
        Random random = new Random(7);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = Math.min(255, x * 255 / width + random.nextInt(30));
                int g = Math.min(255, y * 255 / height + random.nextInt(30));
                int b = Math.min(255, (x * y) % 200 + random.nextInt(50));
                image.setRGB(x, y, r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** The TurboJPEG 2 functions used, bound directly by JNA. */
    private static final class Functions {
        static native Pointer tjInitDecompress();

        static native int tjDecompressHeader3(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                int[] width,
                int[] height,
                int[] subsampling,
                int[] colorspace);

        static native int tjDecompress2(
                Pointer handle,
                byte[] jpeg,
                NativeLong size,
                byte[] rgb,
                int width,
                int pitch,
                int height,
                int pixelFormat,
                int flags);

        static native int tjDestroy(Pointer handle);
    }
}
