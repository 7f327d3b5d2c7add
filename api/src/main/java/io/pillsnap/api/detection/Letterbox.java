package io.pillsnap.api.detection;

import io.pillsnap.api.artifact.Resampler;
import io.pillsnap.api.artifact.RgbImage;
import java.util.Arrays;

/**
 * How a photo becomes the detector's square input, the same for training, evaluation and serving:
 * scaled to fit {@code size} keeping its aspect ratio (area averaging when shrinking), centred, the
 * rest filled with gray 114, as the reference detector does. Boxes move with the picture, and back.
 */
public record Letterbox(int size) {

    public static final int FILL = 114;

    public Letterbox {
        if (size < 32) {
            throw new IllegalArgumentException("letterbox size must be at least 32, is " + size);
        }
    }

    public Letterboxed apply(RgbImage photo) {
        double scale = scale(photo.width(), photo.height());
        int width = Math.max(1, (int) Math.round(photo.width() * scale));
        int height = Math.max(1, (int) Math.round(photo.height() * scale));
        int left = (size - width) / 2;
        int top = (size - height) / 2;
        byte[] resized =
                Resampler.resample(photo, 0, 0, photo.width(), photo.height(), width, height);
        byte[] canvas = new byte[size * size * 3];
        Arrays.fill(canvas, (byte) FILL);
        for (int y = 0; y < height; y++) {
            System.arraycopy(
                    resized, y * width * 3, canvas, ((top + y) * size + left) * 3, width * 3);
        }
        return new Letterboxed(
                new RgbImage(size, size, canvas), scale, left, top, photo.width(), photo.height());
    }

    /**
     * A picture this letterbox made earlier from a photo of that size (kept in an image store),
     * with its transform computed again.
     */
    public Letterboxed of(RgbImage boxed, int photoWidth, int photoHeight) {
        if (boxed.width() != size || boxed.height() != size) {
            throw new IllegalArgumentException(
                    "a "
                            + boxed.width()
                            + " x "
                            + boxed.height()
                            + " picture is no "
                            + size
                            + " letterbox");
        }
        double scale = scale(photoWidth, photoHeight);
        int width = Math.max(1, (int) Math.round(photoWidth * scale));
        int height = Math.max(1, (int) Math.round(photoHeight * scale));
        return new Letterboxed(
                boxed, scale, (size - width) / 2, (size - height) / 2, photoWidth, photoHeight);
    }

    private double scale(int photoWidth, int photoHeight) {
        return Math.min((double) size / photoWidth, (double) size / photoHeight);
    }

    /** The detector's input of a letterboxed picture: CHW floats, RGB scaled to [0, 1]. */
    public static float[] toTensor(RgbImage image) {
        int plane = image.width() * image.height();
        float[] out = new float[3 * plane];
        byte[] rgb = image.pixels();
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                out[c * plane + p] = (rgb[p * 3 + c] & 0xff) / 255f;
            }
        }
        return out;
    }

    /**
     * A letterboxed photo and the transform that made it.
     *
     * @param scale input pixels per photo pixel
     * @param left, top padding before the picture, in input pixels
     */
    public record Letterboxed(
            RgbImage image, double scale, int left, int top, int photoWidth, int photoHeight) {

        /** A box of the photo in input pixels. */
        public Box toInput(Box box) {
            return new Box(
                    box.x1() * scale + left,
                    box.y1() * scale + top,
                    box.x2() * scale + left,
                    box.y2() * scale + top);
        }

        /** A box of the input back in the photo's pixels, clipped to the photo. */
        public Box toPhoto(Box box) {
            return new Box(
                    clip((box.x1() - left) / scale, photoWidth),
                    clip((box.y1() - top) / scale, photoHeight),
                    clip((box.x2() - left) / scale, photoWidth),
                    clip((box.y2() - top) / scale, photoHeight));
        }

        private static double clip(double value, int limit) {
            return Math.max(0, Math.min(limit, value));
        }
    }
}
