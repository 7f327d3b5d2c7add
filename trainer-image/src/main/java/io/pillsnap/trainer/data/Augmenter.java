package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.NativeImaging;
import io.pillsnap.api.artifact.RgbImage;
import java.util.Random;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Makes one training input from a picture: a random crop of random area and aspect ratio, rotated
 * and maybe mirrored, sampled bilinearly to the input size in one pass, then colour jitter, both by
 * OpenCV ({@link #augment}); or only its draws ({@link #draw}), which the model's device applies to
 * a whole batch. All randomness comes from the given {@link Random}, so a sample is reproducible.
 */
public final class Augmenter {

    private static final int CROP_ATTEMPTS = 10;
    private static final double[] GRAY = {0.299, 0.587, 0.114};

    private final Augmentation settings;
    private final int size;

    public Augmenter(Augmentation settings, int size) {
        this.settings = settings;
        this.size = size;
        NativeImaging.load();
    }

    /** Interleaved RGB bytes of a {@code size} x {@code size} training input. */
    public byte[] augment(RgbImage image, Random random) {
        return apply(image, draw(image.width(), image.height(), random));
    }

    /**
     * What one training input gets from a picture of {@code width} x {@code height}: the random
     * draws, in the order {@link #augment} makes them, so that the loader's threads and the model's
     * device ({@code DeviceAugmentation}) make the same input from the same seed.
     */
    public Draw draw(int width, int height, Random random) {
        double[] crop = cropBox(width, height, random);
        double angle = Math.toRadians((random.nextDouble() * 2 - 1) * settings.rotationDegrees());
        boolean flip = random.nextDouble() < settings.flipProbability();
        double brightness = 1 + (random.nextDouble() * 2 - 1) * settings.brightness();
        double contrast = 1 + (random.nextDouble() * 2 - 1) * settings.contrast();
        double saturation = 1 + (random.nextDouble() * 2 - 1) * settings.saturation();
        return new Draw(toSource(crop, angle, flip), brightness, contrast, saturation);
    }

    public int size() {
        return size;
    }

    /**
     * One input's augmentation.
     *
     * @param toSource the affine map (2 x 3, row-major) from an output pixel (u, v, 1) to the
     *     source point it samples, in pixel indices: the crop, rotated about its centre and maybe
     *     mirrored, scaled to the input size
     */
    public record Draw(double[] toSource, double brightness, double contrast, double saturation) {

        /**
         * Brightness, saturation (towards each pixel's gray) and contrast (towards the mean gray)
         * as one 3 x 4 matrix on (r, g, b, 1), for a sampled picture whose channel means are {@code
         * meanRgb}: {@link #colourMatrix} and, in the fourth column, {@link #meanWeight} times the
         * mean gray.
         */
        float[] jitter(double[] meanRgb) {
            double meanGray = 0;
            for (int c = 0; c < 3; c++) {
                meanGray += GRAY[c] * meanRgb[c];
            }
            meanGray *= brightness;
            float[] colour = colourMatrix();
            float[] matrix = new float[12];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(colour, c * 3, matrix, c * 4, 3);
                matrix[c * 4 + 3] = (float) ((1 - contrast) * meanGray);
            }
            return matrix;
        }

        /** The jitter's 3 x 3 part, row-major: output channel by input channel. */
        public float[] colourMatrix() {
            float[] matrix = new float[9];
            for (int c = 0; c < 3; c++) {
                for (int k = 0; k < 3; k++) {
                    double own = c == k ? saturation : 0;
                    matrix[c * 3 + k] =
                            (float) (contrast * brightness * (own + (1 - saturation) * GRAY[k]));
                }
            }
            return matrix;
        }

        /** The jitter's offset, the same for each channel, per grey level of the mean gray. */
        public float meanWeight() {
            return (float) ((1 - contrast) * brightness);
        }
    }

    /** The luma weights of the mean gray the contrast moves towards. */
    public static float[] grayWeights() {
        return new float[] {(float) GRAY[0], (float) GRAY[1], (float) GRAY[2]};
    }

    /** Centre x, centre y, width, height of the crop in source pixels. */
    private double[] cropBox(int imageWidth, int imageHeight, Random random) {
        double area = (double) imageWidth * imageHeight;
        double logRatio = Math.log(settings.maxAspectRatio());
        for (int attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
            double target =
                    area
                            * (settings.minCropArea()
                                    + random.nextDouble() * (1 - settings.minCropArea()));
            double ratio = Math.exp((random.nextDouble() * 2 - 1) * logRatio);
            double width = Math.sqrt(target * ratio);
            double height = Math.sqrt(target / ratio);
            if (width <= imageWidth && height <= imageHeight) {
                double x = random.nextDouble() * (imageWidth - width);
                double y = random.nextDouble() * (imageHeight - height);
                return new double[] {x + width / 2, y + height / 2, width, height};
            }
        }
        double side = Math.min(imageWidth, imageHeight);
        return new double[] {imageWidth / 2.0, imageHeight / 2.0, side, side};
    }

    /** The crop, rotated about its centre and maybe mirrored: output pixel -> source point. */
    private double[] toSource(double[] crop, double angle, boolean flip) {
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double scaleX = crop[2] / size * (flip ? -1 : 1);
        double scaleY = crop[3] / size;
        double half = 0.5 - size / 2.0;
        // pixel centres at +0.5
        return new double[] {
            scaleX * cos,
            -scaleY * sin,
            crop[0] + half * scaleX * cos - half * scaleY * sin - 0.5,
            scaleX * sin,
            scaleY * cos,
            crop[1] + half * scaleX * sin + half * scaleY * cos - 0.5
        };
    }

    /**
     * The draw by OpenCV: the crop sampled bilinearly to the input size in one warp (edges repeat
     * the border pixels), then the colour jitter as one per-pixel linear map of the three channels.
     */
    private byte[] apply(RgbImage image, Draw draw) {
        Mat toSource = new Mat(2, 3, CvType.CV_64F);
        toSource.put(0, 0, draw.toSource());
        Mat source = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        Mat out = new Mat();
        Mat colour = new Mat(3, 4, CvType.CV_32F);
        try {
            source.put(0, 0, image.pixels());
            Imgproc.warpAffine(
                    source,
                    out,
                    toSource,
                    new Size(size, size),
                    Imgproc.INTER_LINEAR | Imgproc.WARP_INVERSE_MAP,
                    Core.BORDER_REPLICATE);
            colour.put(0, 0, draw.jitter(Core.mean(out).val));
            Core.transform(out, out, colour);
            byte[] rgb = new byte[size * size * 3];
            out.get(0, 0, rgb);
            return rgb;
        } finally {
            toSource.release();
            source.release();
            out.release();
            colour.release();
        }
    }
}
