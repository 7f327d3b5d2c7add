package io.pillsnap.trainer.detector.data;

import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.Letterbox;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reference detector's training augmentation, boxes moved with the pixels: optionally a mosaic
 * of four photos around a random centre, then a random scale (1 +- 0.5) and translation (+-10%) to
 * the input size, a left-right flip (half the pictures) and a hue/saturation/value jitter (0.015,
 * 0.7, 0.4). Boxes that leave the picture, or keep under 10% of their area, are dropped, as the
 * reference does. Everything random comes from the given generator, so a resumed run repeats it.
 */
public final class DetectionAugmenter {

    static final double SCALE = 0.5;
    static final double TRANSLATE = 0.1;
    static final double FLIP = 0.5;
    static final double HUE = 0.015;
    static final double SATURATION = 0.7;
    static final double VALUE = 0.4;
    private static final double MIN_SIDE = 2;
    private static final double MIN_AREA_KEPT = 0.1;

    private final int size;

    public DetectionAugmenter(int size) {
        this.size = size;
    }

    /** A training picture: CHW floats in [0, 1] and its boxes in input pixels. */
    public record Augmented(float[] pixels, List<Box> boxes) {}

    /**
     * @param photos the training photos
     * @param index the photo this picture is built around
     * @param mosaic whether to build it as a mosaic with three other photos
     */
    public Augmented augment(
            List<BoxedPhoto> photos, int index, boolean mosaic, SplittableRandom random) {
        Canvas canvas = mosaic ? mosaic(photos, index, random) : single(photos.get(index));
        return warp(canvas, random);
    }

    /** A picture of the letterboxed input without augmentation (evaluation, export checks). */
    public static float[] plain(RgbImage image) {
        return Letterbox.toTensor(image);
    }

    /** Pixels with boxes, before the random warp. */
    private record Canvas(int width, int height, byte[] rgb, List<Box> boxes) {}

    private Canvas single(BoxedPhoto photo) {
        RgbImage image = photo.letterboxed().image();
        return new Canvas(image.width(), image.height(), image.pixels(), photo.truthInInput());
    }

    /**
     * Four photos (this one and three drawn) on a canvas twice the input size, meeting at a random
     * centre in its middle half.
     */
    private Canvas mosaic(List<BoxedPhoto> photos, int index, SplittableRandom random) {
        int side = 2 * size;
        byte[] rgb = new byte[side * side * 3];
        java.util.Arrays.fill(rgb, (byte) Letterbox.FILL);
        int xc = random.nextInt(size / 2, size * 3 / 2 + 1);
        int yc = random.nextInt(size / 2, size * 3 / 2 + 1);
        List<Box> boxes = new ArrayList<>();
        for (int quadrant = 0; quadrant < 4; quadrant++) {
            BoxedPhoto photo =
                    quadrant == 0 ? photos.get(index) : photos.get(random.nextInt(photos.size()));
            Letterbox.Letterboxed boxed = photo.letterboxed();
            // the photo's own pixels, without the letterbox's padding
            int w = Math.max(1, (int) Math.round(boxed.photoWidth() * boxed.scale()));
            int h = Math.max(1, (int) Math.round(boxed.photoHeight() * boxed.scale()));
            int x1a;
            int y1a;
            int x2a;
            int y2a;
            int x1b;
            int y1b;
            switch (quadrant) {
                case 0 -> {
                    x1a = Math.max(xc - w, 0);
                    y1a = Math.max(yc - h, 0);
                    x2a = xc;
                    y2a = yc;
                    x1b = w - (x2a - x1a);
                    y1b = h - (y2a - y1a);
                }
                case 1 -> {
                    x1a = xc;
                    y1a = Math.max(yc - h, 0);
                    x2a = Math.min(xc + w, side);
                    y2a = yc;
                    x1b = 0;
                    y1b = h - (y2a - y1a);
                }
                case 2 -> {
                    x1a = Math.max(xc - w, 0);
                    y1a = yc;
                    x2a = xc;
                    y2a = Math.min(side, yc + h);
                    x1b = w - (x2a - x1a);
                    y1b = 0;
                }
                default -> {
                    x1a = xc;
                    y1a = yc;
                    x2a = Math.min(xc + w, side);
                    y2a = Math.min(side, yc + h);
                    x1b = 0;
                    y1b = 0;
                }
            }
            byte[] source = boxed.image().pixels();
            int sourceWidth = boxed.image().width();
            for (int y = 0; y < y2a - y1a; y++) {
                System.arraycopy(
                        source,
                        ((boxed.top() + y1b + y) * sourceWidth + boxed.left() + x1b) * 3,
                        rgb,
                        ((y1a + y) * side + x1a) * 3,
                        (x2a - x1a) * 3);
            }
            double dx = x1a - x1b - boxed.left();
            double dy = y1a - y1b - boxed.top();
            for (Box box : photo.truthInInput()) {
                Box moved =
                        new Box(
                                clip(box.x1() + dx, side),
                                clip(box.y1() + dy, side),
                                clip(box.x2() + dx, side),
                                clip(box.y2() + dy, side));
                // a box cut off by its quadrant keeps only its visible part
                Box visible =
                        new Box(
                                Math.max(moved.x1(), x1a),
                                Math.max(moved.y1(), y1a),
                                Math.min(moved.x2(), x2a),
                                Math.min(moved.y2(), y2a));
                if (visible.width() > 0 && visible.height() > 0) {
                    boxes.add(visible);
                }
            }
        }
        return new Canvas(side, side, rgb, boxes);
    }

    /**
     * Scale about the canvas centre, translate to the input, flip, jitter colours; the output is
     * the input size. Bilinear sampling, gray outside the canvas.
     */
    private Augmented warp(Canvas canvas, SplittableRandom random) {
        double scale = random.nextDouble(1 - SCALE, 1 + SCALE);
        double tx = random.nextDouble(0.5 - TRANSLATE, 0.5 + TRANSLATE) * size;
        double ty = random.nextDouble(0.5 - TRANSLATE, 0.5 + TRANSLATE) * size;
        boolean flip = random.nextDouble() < FLIP;
        double cx = canvas.width() / 2.0;
        double cy = canvas.height() / 2.0;
        float[] gains = {
            (float) random.nextDouble(1 - HUE, 1 + HUE),
            (float) random.nextDouble(1 - SATURATION, 1 + SATURATION),
            (float) random.nextDouble(1 - VALUE, 1 + VALUE)
        };

        int plane = size * size;
        float[] out = new float[3 * plane];
        float[] hsb = new float[3];
        float[] pixel = new float[3];
        byte[] rgb = canvas.rgb();
        int w = canvas.width();
        int h = canvas.height();
        for (int v = 0; v < size; v++) {
            double sy = (v + 0.5 - ty) / scale + cy - 0.5;
            int y0 = (int) Math.floor(sy);
            double fy = sy - y0;
            for (int u = 0; u < size; u++) {
                int outU = flip ? size - 1 - u : u;
                double sx = (u + 0.5 - tx) / scale + cx - 0.5;
                int x0 = (int) Math.floor(sx);
                double fx = sx - x0;
                for (int c = 0; c < 3; c++) {
                    double top =
                            sample(rgb, w, h, x0, y0, c) * (1 - fx)
                                    + sample(rgb, w, h, x0 + 1, y0, c) * fx;
                    double bottom =
                            sample(rgb, w, h, x0, y0 + 1, c) * (1 - fx)
                                    + sample(rgb, w, h, x0 + 1, y0 + 1, c) * fx;
                    pixel[c] = (float) (top * (1 - fy) + bottom * fy);
                }
                Color.RGBtoHSB(
                        Math.round(pixel[0]), Math.round(pixel[1]), Math.round(pixel[2]), hsb);
                float hue = hsb[0] * gains[0];
                int jittered =
                        Color.HSBtoRGB(
                                hue - (float) Math.floor(hue),
                                Math.min(1f, hsb[1] * gains[1]),
                                Math.min(1f, hsb[2] * gains[2]));
                int p = v * size + outU;
                out[p] = ((jittered >> 16) & 0xff) / 255f;
                out[plane + p] = ((jittered >> 8) & 0xff) / 255f;
                out[2 * plane + p] = (jittered & 0xff) / 255f;
            }
        }

        List<Box> boxes = new ArrayList<>();
        for (Box box : canvas.boxes()) {
            double x1 = (box.x1() - cx) * scale + tx;
            double y1 = (box.y1() - cy) * scale + ty;
            double x2 = (box.x2() - cx) * scale + tx;
            double y2 = (box.y2() - cy) * scale + ty;
            Box placed =
                    flip
                            ? new Box(
                                    clip(size - x2, size),
                                    clip(y1, size),
                                    clip(size - x1, size),
                                    clip(y2, size))
                            : new Box(
                                    clip(x1, size), clip(y1, size), clip(x2, size), clip(y2, size));
            double before = box.area() * scale * scale;
            if (placed.width() > MIN_SIDE
                    && placed.height() > MIN_SIDE
                    && placed.area() > MIN_AREA_KEPT * before) {
                boxes.add(placed);
            }
        }
        return new Augmented(out, boxes);
    }

    private static int sample(byte[] rgb, int width, int height, int x, int y, int channel) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return Letterbox.FILL;
        }
        return rgb[(y * width + x) * 3 + channel] & 0xff;
    }

    private static double clip(double value, double limit) {
        return Math.max(0, Math.min(limit, value));
    }
}
