package io.pillsnap.api.artifact;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Decodes PNG, JPEG and BMP by content (never by file name) with OpenCV (libjpeg-turbo, libpng),
 * into interleaved RGB whatever the photo's own layout (gray, palette, 16-bit, alpha: dropped, as
 * the reference pipeline does; EXIF orientation is ignored, so boxes are in the stored raster's
 * pixels). The header is read first and a picture claiming more pixels than a limit is refused
 * before any pixel is decoded (decompression bombs). A JPEG can be decoded at 1/2, 1/4 or 1/8 of
 * its size in the DCT domain when the caller needs fewer pixels: much cheaper than decoding it
 * whole and shrinking. Every failure is an {@link UnreadableImageException} with the reason.
 *
 * <p>The trainer (its image store, evaluation) and the inference server decode through this class
 * with the same arguments, so they see the same pixels.
 */
public final class ImageDecoder {

    /** 8,000 x 8,000: ample for 976 x 1280 pill photos. */
    public static final long DEFAULT_MAX_PIXELS = 64_000_000L;

    private static final int[] REDUCTIONS = {8, 4, 2};

    private ImageDecoder() {}

    /** An image that cannot be decoded, and why. */
    public static final class UnreadableImageException extends Exception {
        public UnreadableImageException(String message) {
            super(message);
        }
    }

    /** What a picture's header says: its format (png, jpeg, bmp) and size. */
    public record Header(String format, int width, int height) {

        public long pixels() {
            return (long) width * height;
        }
    }

    /** The whole photo. */
    public static RgbImage decode(Path file, long maxPixels) throws UnreadableImageException {
        return decode(file, maxPixels, 0);
    }

    /** The photo, a JPEG reduced as far as its shorter side stays at least {@code shorterSide}. */
    public static RgbImage decode(Path file, long maxPixels, int shorterSide)
            throws UnreadableImageException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read " + file + ": " + e.getMessage());
        }
        return decode(bytes, maxPixels, shorterSide);
    }

    /** The whole photo. */
    public static RgbImage decode(byte[] bytes, long maxPixels) throws UnreadableImageException {
        return decode(bytes, maxPixels, 0);
    }

    /**
     * The photo; a JPEG is decoded at the smallest of 1/8, 1/4, 1/2 (DCT-domain scaling) whose
     * shorter side is still at least {@code shorterSide}, other formats whole. 0: always whole.
     */
    public static RgbImage decode(byte[] bytes, long maxPixels, int shorterSide)
            throws UnreadableImageException {
        Mat bgr = decodeBgr(bytes, maxPixels, shorterSide);
        try {
            Imgproc.cvtColor(bgr, bgr, Imgproc.COLOR_BGR2RGB);
            byte[] rgb = new byte[bgr.cols() * bgr.rows() * 3];
            bgr.get(0, 0, rgb);
            return new RgbImage(bgr.cols(), bgr.rows(), rgb);
        } finally {
            bgr.release();
        }
    }

    /**
     * The photo as OpenCV decodes it: 3 channels of 8 bits in BGR order, reduced as {@link
     * #decode(byte[], long, int)} reduces it. The caller releases the matrix. For code that works
     * on the decoded pixels in OpenCV (the inference input), sparing the swap to RGB and the
     * copies.
     */
    static Mat decodeBgr(byte[] bytes, long maxPixels, int shorterSide)
            throws UnreadableImageException {
        Header header = header(bytes);
        if (header.width() <= 0 || header.height() <= 0 || header.pixels() > maxPixels) {
            throw new UnreadableImageException(
                    "image is "
                            + header.width()
                            + " x "
                            + header.height()
                            + " pixels, over the limit of "
                            + maxPixels
                            + " pixels");
        }
        int reduction = reduction(header, shorterSide);
        NativeImaging.load();
        MatOfByte encoded = new MatOfByte(bytes);
        try {
            Mat bgr = Imgcodecs.imdecode(encoded, flags(reduction));
            if (bgr.empty()) {
                bgr.release();
                throw new UnreadableImageException(
                        "not a readable image: its "
                                + header.format()
                                + " data cannot be decoded (truncated or corrupt?)");
            }
            return bgr;
        } finally {
            encoded.release();
        }
    }

    /** The format name (png, jpeg, bmp) the content is in, judged by its bytes. */
    public static String formatOf(byte[] bytes) throws UnreadableImageException {
        return header(bytes).format();
    }

    /** The format and size the header claims; no pixel is decoded. */
    public static Header header(byte[] bytes) throws UnreadableImageException {
        try (ImageInputStream in =
                new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return header(in);
        } catch (IOException e) {
            throw new UnreadableImageException("not a readable image: " + e.getMessage());
        }
    }

    /** The format and size the file's header claims, reading only the header. */
    public static Header header(Path file) throws UnreadableImageException {
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            return header(in);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static Header header(ImageInputStream in) throws UnreadableImageException {
        try {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UnreadableImageException("not a PNG, JPEG or BMP image");
            }
            ImageReader reader = readers.next();
            try {
                String format = reader.getFormatName().toLowerCase(Locale.ROOT);
                if (!format.equals("png") && !format.equals("jpeg") && !format.equals("bmp")) {
                    throw new UnreadableImageException(
                            "not a PNG, JPEG or BMP image (its bytes are " + format + ")");
                }
                reader.setInput(in, true, true);
                return new Header(format, reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(
                    "not a readable image: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()));
        }
    }

    /**
     * The DCT-domain reduction a photo is decoded at when {@code shorterSide} pixels are needed:
     * see {@link #decode(byte[], long, int)}; 1 for formats other than JPEG.
     */
    public static int reduction(Header header, int shorterSide) {
        return header.format().equals("jpeg")
                ? reduction(Math.min(header.width(), header.height()), shorterSide)
                : 1;
    }

    /** The largest of 8, 4, 2 (else 1) that keeps the shorter side at least {@code needed}. */
    static int reduction(int shorter, int needed) {
        if (needed <= 0) {
            return 1;
        }
        for (int k : REDUCTIONS) {
            // libjpeg's scaled size: the side divided by k, rounded up
            if ((shorter + k - 1) / k >= needed) {
                return k;
            }
        }
        return 1;
    }

    private static int flags(int reduction) {
        int colour =
                switch (reduction) {
                    case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
                    case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
                    case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
                    default -> Imgcodecs.IMREAD_COLOR;
                };
        return colour | Imgcodecs.IMREAD_IGNORE_ORIENTATION;
    }
}
