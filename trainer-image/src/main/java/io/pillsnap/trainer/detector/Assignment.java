package io.pillsnap.trainer.detector;

/**
 * Which true box each anchor of one image learns from, and how strongly.
 *
 * @param foreground whether the anchor learns a box
 * @param truth the true box's index for foreground anchors (0 otherwise)
 * @param scores the class target per anchor and class, {@code scores[anchor * classes + class]}:
 *     the anchor's normalised alignment for its true box's class, 0 elsewhere
 */
public record Assignment(boolean[] foreground, int[] truth, float[] scores, int classes) {

    public int foregroundCount() {
        int count = 0;
        for (boolean f : foreground) {
            count += f ? 1 : 0;
        }
        return count;
    }

    public double scoreSum() {
        double sum = 0;
        for (float s : scores) {
            sum += s;
        }
        return sum;
    }
}
