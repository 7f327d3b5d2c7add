package io.pillsnap.inference.predict;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * PNG decoding whose inflate is the system's libdeflate ({@code libdeflate0} on Debian and Ubuntu),
 * when there is one: most of a photo's PNG decoding is the inflate of its pixel data, which
 * libdeflate does in about half the time of the zlib inside OpenCV's jar (a 244 x 320 combination
 * photo: 0.7 against 1.5 ms). The chunks, their CRCs and the rows' five filters are read here, by
 * the PNG specification (ISO/IEC 15948, W3C PNG 2nd edition); only the common layouts are decoded:
 * 8 bits per sample, not interlaced, gray, RGB, gray with alpha or RGBA, without a tRNS chunk.
 * Alpha is dropped and gray repeated into the three channels, as OpenCV's colour decoding does.
 *
 * <p>It is used only when it gives the very bytes OpenCV gives: checked once at start on drawn
 * photos of each layout; otherwise, and for any PNG it does not decode (other layouts, a CRC or
 * inflate error, an unknown critical chunk), OpenCV decodes, as the trainer does.
 */
final class LibdeflatePng extends CheckedNativeDecoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int IHDR = type("IHDR");
    private static final int PLTE = type("PLTE");
    private static final int IDAT = type("IDAT");
    private static final int IEND = type("IEND");
    private static final int TRNS = type("tRNS");
    private static final int GRAY = 0;
    private static final int RGB = 2;
    private static final int GRAY_ALPHA = 4;
    private static final int RGBA = 6;

    private LibdeflatePng(boolean available, String description) {
        super(available, description);
    }

    /** The system's library after the check against OpenCV, or the reason it is not used. */
    static LibdeflatePng load() {
        if (!SystemLibraries.register(Functions.class, "deflate", "libdeflate.so.0")) {
            return new LibdeflatePng(
                    false,
                    "PNG photos are decoded by OpenCV (libdeflate not found: install libdeflate0"
                            + " for about half the decoding time)");
        }
        LibdeflatePng png = new LibdeflatePng(true, "");
        String mismatch = png.mismatchWithOpenCv();
        if (mismatch != null) {
            return new LibdeflatePng(
                    false,
                    "PNG photos are decoded by OpenCV: inflated by the system's libdeflate, "
                            + mismatch
                            + " decodes differently, and the server must see the trainer's pixels");
        }
        return new LibdeflatePng(
                true,
                "PNG photos are inflated by the system's libdeflate, checked to give OpenCV's"
                        + " pixels");
    }

    /**
     * The photo as RGB, or null when it is not a PNG decoded here, is damaged, or its header claims
     * more than {@code maxPixels}, and OpenCV should (which refuses what is over the limit).
     */
    RgbImage decode(byte[] png, long maxPixels) {
        if (!available()) {
            return null;
        }
        Layout layout = Layout.read(png);
        if (layout == null || (long) layout.width * layout.height > maxPixels) {
            return null;
        }
        int stride = layout.width * layout.channels;
        long rawSize = (long) layout.height * (stride + 1);
        if (rawSize > Integer.MAX_VALUE - 8) {
            return null;
        }
        byte[] raw = new byte[(int) rawSize];
        if (!inflate(layout.compressed, layout.compressedLength, raw)) {
            return null;
        }
        return unfiltered(raw, layout);
    }

    /** The zlib stream inflated to exactly {@code raw.length} bytes, its checksum verified. */
    private static boolean inflate(byte[] compressed, int length, byte[] raw) {
        Pointer decompressor = Functions.libdeflate_alloc_decompressor();
        if (decompressor == null) {
            return false;
        }
        try {
            // 0: success; with no place for the actual size, anything but exactly raw.length
            // bytes is an error
            return Functions.libdeflate_zlib_decompress(
                            decompressor,
                            compressed,
                            new NativeLong(length),
                            raw,
                            new NativeLong(raw.length),
                            null)
                    == 0;
        } finally {
            Functions.libdeflate_free_decompressor(decompressor);
        }
    }

    /** The rows' filters undone in place, then the pixels as RGB; null for an unknown filter. */
    private static RgbImage unfiltered(byte[] raw, Layout layout) {
        int channels = layout.channels;
        int stride = layout.width * channels;
        byte[] rgb = new byte[layout.width * layout.height * 3];
        for (int y = 0; y < layout.height; y++) {
            int row = y * (stride + 1) + 1;
            int prior = y == 0 ? -1 : row - stride - 1;
            if (!unfilter(raw[row - 1], raw, row, prior, stride, channels)) {
                return null;
            }
            int out = y * layout.width * 3;
            switch (layout.colourType) {
                case RGB -> System.arraycopy(raw, row, rgb, out, stride);
                case RGBA -> {
                    for (int i = row, end = row + stride; i < end; i += 4, out += 3) {
                        rgb[out] = raw[i];
                        rgb[out + 1] = raw[i + 1];
                        rgb[out + 2] = raw[i + 2];
                    }
                }
                default -> { // gray, with alpha or not
                    for (int i = row, end = row + stride; i < end; i += channels, out += 3) {
                        byte gray = raw[i];
                        rgb[out] = gray;
                        rgb[out + 1] = gray;
                        rgb[out + 2] = gray;
                    }
                }
            }
        }
        return new RgbImage(layout.width, layout.height, rgb);
    }

    /**
     * One row's filter undone: {@code row} its first byte, {@code prior} the row above's (-1 for
     * the first row, whose row above is zeros), {@code bpp} bytes per pixel.
     */
    private static boolean unfilter(
            byte filter, byte[] b, int row, int prior, int length, int bpp) {
        switch (filter) {
            case 0 -> {}
            case 1 -> { // Sub
                for (int i = bpp; i < length; i++) {
                    b[row + i] += b[row + i - bpp];
                }
            }
            case 2 -> { // Up
                if (prior >= 0) {
                    for (int i = 0; i < length; i++) {
                        b[row + i] += b[prior + i];
                    }
                }
            }
            case 3 -> { // Average
                for (int i = 0; i < length; i++) {
                    int left = i >= bpp ? b[row + i - bpp] & 0xff : 0;
                    int up = prior >= 0 ? b[prior + i] & 0xff : 0;
                    b[row + i] += (byte) ((left + up) >>> 1);
                }
            }
            case 4 -> { // Paeth
                for (int i = 0; i < length; i++) {
                    int left = i >= bpp ? b[row + i - bpp] & 0xff : 0;
                    int up = prior >= 0 ? b[prior + i] & 0xff : 0;
                    int upLeft = i >= bpp && prior >= 0 ? b[prior + i - bpp] & 0xff : 0;
                    b[row + i] += (byte) paeth(left, up, upLeft);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static int paeth(int left, int up, int upLeft) {
        int p = left + up - upLeft;
        int toLeft = Math.abs(p - left);
        int toUp = Math.abs(p - up);
        int toUpLeft = Math.abs(p - upLeft);
        if (toLeft <= toUp && toLeft <= toUpLeft) {
            return left;
        }
        return toUp <= toUpLeft ? up : upLeft;
    }

    /** What the chunks say, and the pixel data's zlib stream (the IDAT chunks joined). */
    private record Layout(
            int width,
            int height,
            int colourType,
            int channels,
            byte[] compressed,
            int compressedLength) {

        /** The layout of a PNG decoded here, or null (not a PNG, another layout, damaged). */
        static Layout read(byte[] png) {
            if (png.length < SIGNATURE.length + 25
                    || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
                return null;
            }
            CRC32 crc = new CRC32();
            int width = 0;
            int height = 0;
            int colourType = -1;
            byte[] compressed = new byte[png.length];
            int compressedLength = 0;
            int pos = SIGNATURE.length;
            boolean first = true;
            while (true) {
                if (pos + 12 > png.length) {
                    return null; // ends before IEND
                }
                int length = readInt(png, pos);
                int type = readInt(png, pos + 4);
                if (length < 0 || length > png.length - pos - 12) {
                    return null;
                }
                int data = pos + 8;
                crc.reset();
                crc.update(png, pos + 4, length + 4);
                if ((int) crc.getValue() != readInt(png, data + length)) {
                    return null;
                }
                if (first != (type == IHDR)) {
                    return null; // IHDR first, once
                }
                first = false;
                if (type == IHDR) {
                    if (length != 13) {
                        return null;
                    }
                    width = readInt(png, data);
                    height = readInt(png, data + 4);
                    int bitDepth = png[data + 8];
                    colourType = png[data + 9];
                    boolean plain =
                            png[data + 10] == 0 // deflate
                                    && png[data + 11] == 0 // the five filters
                                    && png[data + 12] == 0; // not interlaced
                    if (width <= 0 || height <= 0 || bitDepth != 8 || !plain) {
                        return null;
                    }
                    if (colourType != GRAY
                            && colourType != RGB
                            && colourType != GRAY_ALPHA
                            && colourType != RGBA) {
                        return null;
                    }
                } else if (type == IDAT) {
                    System.arraycopy(png, data, compressed, compressedLength, length);
                    compressedLength += length;
                } else if (type == IEND) {
                    break;
                } else if (type == TRNS
                        || (type == PLTE && (colourType == GRAY || colourType == GRAY_ALPHA))) {
                    return null; // transparency OpenCV would expand, or a chunk libpng refuses
                } else if (type != PLTE && (png[pos + 4] & 0x20) == 0) {
                    return null; // a critical chunk this reader does not know
                }
                pos = data + length + 4;
            }
            if (compressedLength == 0) {
                return null;
            }
            int channels =
                    switch (colourType) {
                        case GRAY -> 1;
                        case GRAY_ALPHA -> 2;
                        case RGB -> 3;
                        default -> 4;
                    };
            return new Layout(width, height, colourType, channels, compressed, compressedLength);
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24
                | (b[at + 1] & 0xff) << 16
                | (b[at + 2] & 0xff) << 8
                | b[at + 3] & 0xff;
    }

    private static int type(String name) {
        return readInt(name.getBytes(StandardCharsets.US_ASCII), 0);
    }

    /** The first drawn photo where the two decoders differ, or null. */
    private String mismatchWithOpenCv() {
        int[][] layouts = {
            {BufferedImage.TYPE_3BYTE_BGR, RGB},
            {BufferedImage.TYPE_4BYTE_ABGR, RGBA},
            {BufferedImage.TYPE_BYTE_GRAY, GRAY}
        };
        try {
            for (int[] layout : layouts) {
                byte[] png = drawn(203, 157, layout[0]);
                RgbImage ours = decode(png, ImageDecoder.DEFAULT_MAX_PIXELS);
                RgbImage openCv = ImageDecoder.decode(png, ImageDecoder.DEFAULT_MAX_PIXELS);
                if (ours == null
                        || ours.width() != openCv.width()
                        || ours.height() != openCv.height()
                        || !Arrays.equals(ours.pixels(), openCv.pixels())) {
                    return switch (layout[1]) {
                        case RGBA -> "an RGBA PNG";
                        case GRAY -> "a gray PNG";
                        default -> "an RGB PNG";
                    };
                }
            }
            return null;
        } catch (ImageDecoder.UnreadableImageException | IOException | RuntimeException e) {
            return "its test photos (" + e.getMessage() + ")";
        }
    }

    /**
     * Colour gradients with noise and a translucent band, so that every filter and channel has
     * detail (ImageIO's encoder chooses each row's filter).
     */
    private static byte[] drawn(int width, int height, int type) throws IOException {
        Random random = new Random(11);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = Math.min(255, x * 255 / width + random.nextInt(30));
                int g = Math.min(255, y * 255 / height + random.nextInt(30));
                int b = Math.min(255, (x * y) % 200 + random.nextInt(50));
                int a = y % 40 < 10 ? 255 - random.nextInt(200) : 255;
                image.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** The libdeflate functions used, bound directly by JNA. */
    private static final class Functions {
        static native Pointer libdeflate_alloc_decompressor();

        static native int libdeflate_zlib_decompress(
                Pointer decompressor,
                byte[] in,
                NativeLong inLength,
                byte[] out,
                NativeLong outAvailable,
                Pointer actualOut);

        static native void libdeflate_free_decompressor(Pointer decompressor);
    }
}
