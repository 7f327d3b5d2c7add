package io.pillsnap.api.detection;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The two-stage prediction for a photo of several pills, one implementation for evaluation and
 * serving: the detector on the letterboxed photo, boxes decoded and suppressed by the shared code
 * and mapped back to the photo's pixels, each box cropped as a square around it with 10% padding,
 * the classifier on all crops in one batch, and the top-k drugs of each box.
 */
public final class ComboPipeline {

    /** Padding around a box before it is classified, per side, as a share of its longer side. */
    public static final double CROP_PADDING = 0.1;

    /** The boxes a user is shown: confidence 0.25, IoU 0.7, at most 300. */
    public static final NonMaxSuppression SERVING = new NonMaxSuppression(0.25, 0.7, 300);

    /** A detector's raw head for a batch of letterboxed CHW inputs in [0, 1]. */
    @FunctionalInterface
    public interface Detector {
        float[] head(float[] images, int batch);
    }

    /** A classifier's logits, row-major [batch, classes], for a batch of normalised CHW inputs. */
    @FunctionalInterface
    public interface Classifier {
        float[] logits(float[] images, int batch);
    }

    /** A class and its softmax probability. */
    public record Ranked(int classIndex, double probability) {}

    /**
     * One detected pill.
     *
     * @param box in the photo's pixels
     * @param confidence the detector's score
     * @param top the classifier's best classes for the box's crop, most likely first
     */
    public record Pill(Box box, double confidence, List<Ranked> top) {}

    private final Letterbox letterbox;
    private final Preprocessing classifierInput;
    private final NonMaxSuppression suppression;
    private final int classes;
    private final int topK;

    /**
     * @param detectorSize the detector's square input
     * @param classifierInput the classifier's preprocessing (its manifest's)
     */
    public ComboPipeline(
            int detectorSize,
            Preprocessing classifierInput,
            NonMaxSuppression suppression,
            int classes,
            int topK) {
        this.letterbox = new Letterbox(detectorSize);
        this.classifierInput = classifierInput;
        this.suppression = suppression;
        this.classes = classes;
        this.topK = Math.min(topK, classes);
    }

    /** The pills of a photo, most confident first; empty when the detector finds none. */
    public List<Pill> predict(RgbImage photo, Detector detector, Classifier classifier) {
        Letterbox.Letterboxed boxed = letterbox.apply(photo);
        float[] head = detector.head(Letterbox.toTensor(boxed.image()), 1);
        List<ScoredBox> found =
                suppression.apply(
                        HeadDecoder.decode(head, 0, letterbox.size(), 1, suppression.confidence()));
        if (found.isEmpty()) {
            return List.of();
        }
        int side = classifierInput.imageSize();
        int plane = 3 * side * side;
        float[] crops = new float[found.size() * plane];
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Box box = boxed.toPhoto(found.get(i).box());
            boxes.add(box);
            RgbImage crop = crop(photo, cropRegion(box, photo.width(), photo.height()));
            classifierInput.normalise(classifierInput.square(crop).pixels(), crops, i * plane);
        }
        float[] logits = classifier.logits(crops, found.size());
        List<Pill> pills = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            pills.add(new Pill(boxes.get(i), found.get(i).score(), top(logits, i * classes)));
        }
        pills.sort(Comparator.comparingDouble(Pill::confidence).reversed());
        return pills;
    }

    /**
     * The square the classifier sees of a box: centred on it, its side the box's longer side plus
     * {@link #CROP_PADDING} of it on each side, shifted and then cut to stay inside the photo.
     */
    public static Box cropRegion(Box box, int width, int height) {
        double side = Math.max(box.width(), box.height()) * (1 + 2 * CROP_PADDING);
        double cx = (box.x1() + box.x2()) / 2;
        double cy = (box.y1() + box.y2()) / 2;
        double x1 = Math.max(0, Math.min(width - side, cx - side / 2));
        double y1 = Math.max(0, Math.min(height - side, cy - side / 2));
        return new Box(x1, y1, Math.min(width, x1 + side), Math.min(height, y1 + side));
    }

    /** The pixels of a region of the photo (whole pixels, at least one). */
    public static RgbImage crop(RgbImage photo, Box region) {
        int x1 = (int) Math.floor(region.x1());
        int y1 = (int) Math.floor(region.y1());
        int x2 = Math.max(x1 + 1, Math.min(photo.width(), (int) Math.ceil(region.x2())));
        int y2 = Math.max(y1 + 1, Math.min(photo.height(), (int) Math.ceil(region.y2())));
        int w = x2 - x1;
        int h = y2 - y1;
        byte[] pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            System.arraycopy(
                    photo.pixels(), ((y1 + y) * photo.width() + x1) * 3, pixels, y * w * 3, w * 3);
        }
        return new RgbImage(w, h, pixels);
    }

    private List<Ranked> top(float[] logits, int offset) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double sum = 0;
        double[] exp = new double[classes];
        for (int c = 0; c < classes; c++) {
            exp[c] = Math.exp(logits[offset + c] - max);
            sum += exp[c];
        }
        List<Ranked> ranked = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            ranked.add(new Ranked(c, exp[c] / sum));
        }
        ranked.sort(Comparator.comparingDouble(Ranked::probability).reversed());
        return List.copyOf(ranked.subList(0, topK));
    }
}
