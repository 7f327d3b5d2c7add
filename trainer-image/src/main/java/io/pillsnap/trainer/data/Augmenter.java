package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.RgbImage;
import java.util.Random;

/**
 * Makes one training input from a picture: a random crop of random area and aspect ratio, rotated
 * and maybe mirrored, sampled bilinearly to the input size in one pass, then colour jitter. All
 * randomness comes from the given {@link Random}, so a sample is reproducible.
 */
public final class Augmenter {

    private static final int CROP_ATTEMPTS = 10;

    private final Augmentation settings;
    private final int size;

    public Augmenter(Augmentation settings, int size) {
        this.settings = settings;
        this.size = size;
    }

    /** Interleaved RGB bytes of a {@code size} x {@code size} training input. */
    public byte[] augment(RgbImage image, Random random) {
        double[] crop = cropBox(image, random);
        double angle = Math.toRadians((random.nextDouble() * 2 - 1) * settings.rotationDegrees());
        boolean flip = random.nextDouble() < settings.flipProbability();
        byte[] out = sample(image, crop, angle, flip);
        jitter(out, random);
        return out;
    }

    /** Centre x, centre y, width, height of the crop in source pixels. */
    private double[] cropBox(RgbImage image, Random random) {
        double area = (double) image.width() * image.height();
        double logRatio = Math.log(settings.maxAspectRatio());
        for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
            double target =
                    area
                            * (settings.minCropArea()
                                    + random.nextDouble() * (1 - settings.minCropArea()));
            double ratio = Math.exp((random.nextDouble() * 2 - 1) * logRatio);
            double width = Math.sqrt(target * ratio);
            double height = Math.sqrt(target / ratio);
            if (width <= image.width() && height <= image.height()) {
                double x = random.nextDouble() * (image.width() - width);
                double y = random.nextDouble() * (image.height() - height);
                return new double[] {x + width / 2, y + height / 2, width, height};
            }
        }
        double side = Math.min(image.width(), image.height());
        return new double[] {image.width() / 2.0, image.height() / 2.0, side, side};
    }

    private byte[] sample(RgbImage image, double[] crop, double angle, boolean flip) {
        byte[] out = new byte[size * size * 3];
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double scaleX = crop[2] / size;
        double scaleY = crop[3] / size;
        int width = image.width();
        int height = image.height();
        byte[] pixels = image.pixels();
        for (int v = 0; v < size; v++) {
            double dy = (v + 0.5 - size / 2.0) * scaleY;
            for (int u = 0; u < size; u++) {
                double dx = (u + 0.5 - size / 2.0) * scaleX;
                if (flip) {
                    dx = -dx;
                }
                double x = crop[0] + dx * cos - dy * sin - 0.5;
                double y = crop[1] + dx * sin + dy * cos - 0.5;
                int x0 = (int) Math.floor(x);
                int y0 = (int) Math.floor(y);
                double fx = x - x0;
                double fy = y - y0;
                int xa = clamp(x0, width);
                int xb = clamp(x0 + 1, width);
                int ya = clamp(y0, height);
                int yb = clamp(y0 + 1, height);
                int o = (v * size + u) * 3;
                for (int c = 0; c < 3; c++) {
                    double top =
                            (pixels[(ya * width + xa) * 3 + c] & 0xff) * (1 - fx)
                                    + (pixels[(ya * width + xb) * 3 + c] & 0xff) * fx;
                    double bottom =
                            (pixels[(yb * width + xa) * 3 + c] & 0xff) * (1 - fx)
                                    + (pixels[(yb * width + xb) * 3 + c] & 0xff) * fx;
                    out[o + c] = (byte) (int) Math.round(top * (1 - fy) + bottom * fy);
                }
            }
        }
        return out;
    }

    private void jitter(byte[] rgb, Random random) {
        double brightness = 1 + (random.nextDouble() * 2 - 1) * settings.brightness();
        double contrast = 1 + (random.nextDouble() * 2 - 1) * settings.contrast();
        double saturation = 1 + (random.nextDouble() * 2 - 1) * settings.saturation();
        int pixels = rgb.length / 3;
        double meanGray = 0;
        for (int p = 0; p < pixels; p++) {
            meanGray += gray(rgb, p);
        }
        meanGray = meanGray / pixels * brightness;
        for (int p = 0; p < pixels; p++) {
            double gray = gray(rgb, p) * brightness;
            for (int c = 0; c < 3; c++) {
                double value = (rgb[p * 3 + c] & 0xff) * brightness;
                value = gray + (value - gray) * saturation;
                value = meanGray + (value - meanGray) * contrast;
                rgb[p * 3 + c] = (byte) Math.max(0, Math.min(255, (int) Math.round(value)));
            }
        }
    }

    private static double gray(byte[] rgb, int p) {
        return 0.299 * (rgb[p * 3] & 0xff)
                + 0.587 * (rgb[p * 3 + 1] & 0xff)
                + 0.114 * (rgb[p * 3 + 2] & 0xff);
    }

    private static int clamp(int value, int length) {
        return value < 0 ? 0 : Math.min(length - 1, value);
    }
}
