package io.pillsnap.api.artifact;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG, JPEG and BMP by content (never by file name), refusing pictures whose header claims
 * more pixels than a limit before any pixel is decoded (decompression bombs). Every failure is an
 * {@link UnreadableImageException} with the reason.
 */
public final class ImageDecoder {

    /** 8,000 x 8,000: ample for 976 x 1280 pill photos. */
    public static final long DEFAULT_MAX_PIXELS = 64_000_000L;

    private ImageDecoder() {}

    /** An image that cannot be decoded, and why. */
    public static final class UnreadableImageException extends Exception {
        public UnreadableImageException(String message) {
            super(message);
        }
    }

    public static BufferedImage decode(Path file, long maxPixels) throws UnreadableImageException {
        try (InputStream in = Files.newInputStream(file)) {
            return decode(in, maxPixels);
        } catch (IOException e) {
            throw new UnreadableImageException("cannot read " + file + ": " + e.getMessage());
        }
    }

    public static BufferedImage decode(byte[] bytes, long maxPixels)
            throws UnreadableImageException {
        return decode(new ByteArrayInputStream(bytes), maxPixels);
    }

    /** The format name (png, jpeg, bmp) the content is in, judged by its bytes. */
    public static String formatOf(byte[] bytes) throws UnreadableImageException {
        try (ImageInputStream in =
                ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return reader(in).getFormatName().toLowerCase(java.util.Locale.ROOT);
        } catch (IOException e) {
            throw new UnreadableImageException("not an image: " + e.getMessage());
        }
    }

    private static BufferedImage decode(InputStream stream, long maxPixels)
            throws UnreadableImageException {
        try (ImageInputStream in = ImageIO.createImageInputStream(stream)) {
            if (in == null) {
                throw new UnreadableImageException("not an image");
            }
            ImageReader reader = reader(in);
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0 || width * height > maxPixels) {
                    throw new UnreadableImageException(
                            "image is "
                                    + width
                                    + " x "
                                    + height
                                    + " pixels, over the limit of "
                                    + maxPixels
                                    + " pixels");
                }
                BufferedImage image = reader.read(0);
                if (image == null) {
                    throw new UnreadableImageException("the decoder returned no image");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(
                    "not a readable "
                            + "image: "
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage()));
        }
    }

    private static ImageReader reader(ImageInputStream in) throws UnreadableImageException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new UnreadableImageException("not a PNG, JPEG or BMP image");
        }
        return readers.next();
    }
}
