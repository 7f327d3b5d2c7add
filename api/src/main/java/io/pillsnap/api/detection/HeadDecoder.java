package io.pillsnap.api.detection;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the detector's raw head into scored boxes, one implementation for the trained model, the
 * exported one and the server. The head holds, per anchor (strides 8, 16, 32; level by level, row
 * by row, cell centres at +0.5), 4 x 16 distance-bin logits (left, top, right, bottom, each a
 * distribution over 0..15 cells) and one logit per class; a box's score is its best class's
 * sigmoid.
 */
public final class HeadDecoder {

    public static final int BINS = 16;
    public static final int[] STRIDES = {8, 16, 32};

    private HeadDecoder() {}

    /** Anchors of a square input of {@code size} pixels. */
    public static int anchors(int size) {
        int count = 0;
        for (int stride : STRIDES) {
            count += (size / stride) * (size / stride);
        }
        return count;
    }

    /**
     * The boxes of one image whose score reaches {@code minScore}, in input pixels.
     *
     * @param head the image's raw head, channel-major: {@code head[channel * anchors + anchor]}
     * @param offset where the image starts in {@code head}
     */
    public static List<ScoredBox> decode(
            float[] head, int offset, int size, int classes, double minScore) {
        int anchors = anchors(size);
        List<ScoredBox> boxes = new ArrayList<>();
        int anchor = 0;
        double[] distance = new double[4];
        for (int stride : STRIDES) {
            int cells = size / stride;
            for (int y = 0; y < cells; y++) {
                for (int x = 0; x < cells; x++, anchor++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        best = Math.max(best, head[offset + (4 * BINS + c) * anchors + anchor]);
                    }
                    double score = 1 / (1 + Math.exp(-best));
                    if (score < minScore) {
                        continue;
                    }
                    for (int side = 0; side < 4; side++) {
                        distance[side] = expectedBin(head, offset, side, anchors, anchor);
                    }
                    double cx = (x + 0.5) * stride;
                    double cy = (y + 0.5) * stride;
                    boxes.add(
                            new ScoredBox(
                                    new Box(
                                            cx - distance[0] * stride,
                                            cy - distance[1] * stride,
                                            cx + distance[2] * stride,
                                            cy + distance[3] * stride),
                                    score));
                }
            }
        }
        return boxes;
    }

    /** The mean of one side's softmax distribution over the 16 bins, in cells. */
    private static double expectedBin(float[] head, int offset, int side, int anchors, int anchor) {
        double max = Double.NEGATIVE_INFINITY;
        for (int b = 0; b < BINS; b++) {
            max = Math.max(max, head[offset + (side * BINS + b) * anchors + anchor]);
        }
        double sum = 0;
        double weighted = 0;
        for (int b = 0; b < BINS; b++) {
            double e = Math.exp(head[offset + (side * BINS + b) * anchors + anchor] - max);
            sum += e;
            weighted += e * b;
        }
        return weighted / sum;
    }
}
