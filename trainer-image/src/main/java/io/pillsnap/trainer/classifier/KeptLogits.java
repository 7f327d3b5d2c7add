package io.pillsnap.trainer.classifier;

import io.pillsnap.trainer.calibration.Logits;
import java.util.Arrays;

/**
 * The logits of held-out photos that calibration reads: every photo's while they fit in {@code
 * maxValues} floats, else every k-th photo's, so that stage 4's thousands of classes do not hold
 * gigabytes for one scalar temperature.
 */
public final class KeptLogits {

    /** 64 M floats (256 MB): every photo of stages 1 to 3, every 8th of a 100,000-photo stage 4. */
    public static final long DEFAULT_MAX_VALUES = 64L << 20;

    private final int classes;
    private final int stride;
    private float[] values;
    private int[] labels;
    private int kept;

    public KeptLogits(int images, int classes, long maxValues) {
        this.classes = classes;
        this.stride = (int) Math.max(1, ((long) images * classes + maxValues - 1) / maxValues);
        int capacity = Math.max(1, (images + stride - 1) / stride);
        this.values = new float[capacity * classes];
        this.labels = new int[capacity];
    }

    /**
     * Keeps image {@code image}'s logits, at {@code offset} in {@code scores}, if it is sampled.
     */
    public void offer(int image, float[] scores, int offset, int label) {
        if (image % stride != 0) {
            return;
        }
        if (kept == labels.length) {
            labels = Arrays.copyOf(labels, kept * 2);
            values = Arrays.copyOf(values, kept * 2 * classes);
        }
        System.arraycopy(scores, offset, values, kept * classes, classes);
        labels[kept++] = label;
    }

    public Logits logits() {
        return new Logits(Arrays.copyOf(values, kept * classes), classes);
    }

    /** The kept photos' labels ({@link io.pillsnap.trainer.data.Sample#UNKNOWN} for unknowns). */
    public int[] labels() {
        return Arrays.copyOf(labels, kept);
    }

    public int kept() {
        return kept;
    }

    /** 1 when every photo is kept, k when every k-th is. */
    public int stride() {
        return stride;
    }
}
