package io.pillsnap.trainer.detector.data;

/**
 * The true boxes of one training image, in input pixels.
 *
 * @param boxes {@code [g][x1, y1, x2, y2]}
 */
public record ImageTruth(int[] labels, double[][] boxes) {}
