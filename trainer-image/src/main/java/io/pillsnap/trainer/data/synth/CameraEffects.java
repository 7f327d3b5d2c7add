package io.pillsnap.trainer.data.synth;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.random.RandomGenerator;

/**
 * What the light and the camera add after the scene: uneven light, focus blur, exposure and white
 * balance, sensor noise. Works on the raw int raster in single passes: Java2D's per-pixel calls
 * would dominate the generation time.
 */
final class CameraEffects {

    /** Darkening in the corners. */
    private static final double VIGNETTE = 0.22;

    private CameraEffects() {}

    static void apply(
            BufferedImage image, PhotoScene scene, double noiseSigma, RandomGenerator random) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        if (scene.blurred()) {
            // repeated [1 2 1] passes approach a Gaussian of variance passes / 2
            int passes = Math.max(1, (int) Math.round(2 * scene.blurSigma() * scene.blurSigma()));
            int[] scratch = new int[pixels.length];
            for (int pass = 0; pass < passes; pass++) {
                blurRows(pixels, scratch, width, height);
                blurColumns(scratch, pixels, width, height);
            }
        }
        int[] red = exposure(scene, 1 + scene.warmth());
        int[] green = exposure(scene, 1);
        int[] blue = exposure(scene, 1 - scene.warmth());
        double halfDiagonal = Math.hypot(width, height) / 2;
        // light falls off linearly away from the light and towards the corners (vignetting)
        double slopeX = scene.lightFalloff() * Math.cos(scene.lightAngle()) / (2 * halfDiagonal);
        double slopeY = scene.lightFalloff() * Math.sin(scene.lightAngle()) / (2 * halfDiagonal);
        for (int y = 0; y < height; y++) {
            double dy = y + 0.5 - height / 2.0;
            for (int x = 0; x < width; x++) {
                double dx = x + 0.5 - width / 2.0;
                double corner = (dx * dx + dy * dy) / (halfDiagonal * halfDiagonal);
                double light = 1 + slopeX * dx + slopeY * dy - VIGNETTE * corner * corner;
                int i = y * width + x;
                int pixel = pixels[i];
                int r = red[lit((pixel >> 16) & 0xFF, light)];
                int g = green[lit((pixel >> 8) & 0xFF, light)];
                int b = blue[lit(pixel & 0xFF, light)];
                if (noiseSigma > 0) {
                    r += (int) Math.round(random.nextGaussian() * noiseSigma);
                    g += (int) Math.round(random.nextGaussian() * noiseSigma);
                    b += (int) Math.round(random.nextGaussian() * noiseSigma);
                }
                pixels[i] = (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
            }
        }
    }

    private static int lit(int level, double light) {
        return Math.min(255, (int) (level * light + 0.5));
    }

    /** Grey level in, grey level out (unclamped, noise comes next). */
    private static int[] exposure(PhotoScene scene, double gain) {
        int[] table = new int[256];
        for (int level = 0; level < 256; level++) {
            double value = ((level - 127.5) * scene.contrast() + 127.5) * gain + scene.brightness();
            table[level] = (int) Math.round(value);
        }
        return table;
    }

    private static void blurRows(int[] from, int[] to, int width, int height) {
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                to[row + x] =
                        weigh(
                                from[row + Math.max(x - 1, 0)],
                                from[row + x],
                                from[row + Math.min(x + 1, width - 1)]);
            }
        }
    }

    private static void blurColumns(int[] from, int[] to, int width, int height) {
        for (int y = 0; y < height; y++) {
            int above = Math.max(y - 1, 0) * width;
            int row = y * width;
            int below = Math.min(y + 1, height - 1) * width;
            for (int x = 0; x < width; x++) {
                to[row + x] = weigh(from[above + x], from[row + x], from[below + x]);
            }
        }
    }

    private static int weigh(int before, int center, int after) {
        int r =
                (((before >> 16) & 0xFF) + 2 * ((center >> 16) & 0xFF) + ((after >> 16) & 0xFF) + 2)
                        >> 2;
        int g =
                (((before >> 8) & 0xFF) + 2 * ((center >> 8) & 0xFF) + ((after >> 8) & 0xFF) + 2)
                        >> 2;
        int b = ((before & 0xFF) + 2 * (center & 0xFF) + (after & 0xFF) + 2) >> 2;
        return (r << 16) | (g << 8) | b;
    }

    private static int clamp(int value) {
        return value < 0 ? 0 : Math.min(value, 255);
    }
}
