package io.pillsnap.trainer.detector;

import java.util.Arrays;

/**
 * The task-aligned assigner of TOOD (Feng et al., 2021) as the reference detector uses it: for each
 * true box, the {@value #TOP_K} anchors inside it with the best alignment {@code score^alpha *
 * CIoU^beta} (score: the predicted probability of the box's class; CIoU of the predicted box,
 * clamped at 0) become positives; an anchor claimed by several boxes keeps the one it overlaps
 * most; its class target is its alignment, normalised so that the box's best anchor gets the box's
 * best CIoU. Plain Java: it needs no gradients and little arithmetic.
 */
public final class TaskAlignedAssigner {

    static final int TOP_K = 10;
    static final double ALPHA = 0.5;
    static final double BETA = 6.0;
    static final double EPS = 1e-9;

    private TaskAlignedAssigner() {}

    /**
     * @param anchors anchor centres in pixels, {@code [a][x, y]}
     * @param scores predicted class probabilities, {@code scores[a * classes + c]}
     * @param predicted predicted boxes in pixels, {@code [a][x1, y1, x2, y2]}
     * @param labels the true boxes' classes
     * @param truths the true boxes in pixels, {@code [g][x1, y1, x2, y2]}
     */
    public static Assignment assign(
            double[][] anchors,
            float[] scores,
            double[][] predicted,
            int classes,
            int[] labels,
            double[][] truths) {
        int a = anchors.length;
        int m = truths.length;
        boolean[] foreground = new boolean[a];
        int[] truth = new int[a];
        float[] targets = new float[a * classes];
        if (m == 0) {
            return new Assignment(foreground, truth, targets, classes);
        }
        boolean[][] inside = new boolean[m][a];
        double[][] overlaps = new double[m][a];
        double[][] align = new double[m][a];
        for (int g = 0; g < m; g++) {
            double[] box = truths[g];
            for (int i = 0; i < a; i++) {
                double px = anchors[i][0];
                double py = anchors[i][1];
                double margin =
                        Math.min(
                                Math.min(px - box[0], py - box[1]),
                                Math.min(box[2] - px, box[3] - py));
                inside[g][i] = margin > EPS;
                if (inside[g][i]) {
                    overlaps[g][i] = Math.max(0, CompleteIou.of(box, predicted[i]));
                    double score = scores[i * classes + labels[g]];
                    align[g][i] = Math.pow(score, ALPHA) * Math.pow(overlaps[g][i], BETA);
                }
            }
        }
        boolean[][] positive = new boolean[m][a];
        for (int g = 0; g < m; g++) {
            for (int i : topK(align[g], TOP_K)) {
                positive[g][i] = inside[g][i];
            }
        }
        for (int i = 0; i < a; i++) {
            int claims = 0;
            for (int g = 0; g < m; g++) {
                claims += positive[g][i] ? 1 : 0;
            }
            if (claims > 1) {
                int best = 0;
                for (int g = 1; g < m; g++) {
                    if (overlaps[g][i] > overlaps[best][i]) {
                        best = g;
                    }
                }
                for (int g = 0; g < m; g++) {
                    positive[g][i] = g == best;
                }
            }
            for (int g = 0; g < m; g++) {
                if (positive[g][i]) {
                    foreground[i] = true;
                    truth[i] = g;
                }
            }
        }
        double[] bestAlign = new double[m];
        double[] bestOverlap = new double[m];
        for (int g = 0; g < m; g++) {
            for (int i = 0; i < a; i++) {
                if (positive[g][i]) {
                    bestAlign[g] = Math.max(bestAlign[g], align[g][i]);
                    bestOverlap[g] = Math.max(bestOverlap[g], overlaps[g][i]);
                }
            }
        }
        for (int i = 0; i < a; i++) {
            if (!foreground[i]) {
                continue;
            }
            double norm = 0;
            for (int g = 0; g < m; g++) {
                if (positive[g][i]) {
                    norm = Math.max(norm, align[g][i] * bestOverlap[g] / (bestAlign[g] + EPS));
                }
            }
            targets[i * classes + labels[truth[i]]] = (float) norm;
        }
        return new Assignment(foreground, truth, targets, classes);
    }

    /** Indices of the k largest values, largest first; ties: lower index first. */
    static int[] topK(double[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[y], values[x]));
        int n = Math.min(k, values.length);
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = order[i];
        }
        return top;
    }
}
