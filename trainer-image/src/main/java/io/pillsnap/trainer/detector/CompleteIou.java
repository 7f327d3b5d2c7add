package io.pillsnap.trainer.detector;

/**
 * Complete IoU (Zheng et al., 2020): IoU minus the squared centre distance over the enclosing box's
 * squared diagonal, minus an aspect-ratio term. Boxes are corners {x1, y1, x2, y2}; the epsilons
 * are the reference detector's.
 */
final class CompleteIou {

    static final double EPS = 1e-7;

    private CompleteIou() {}

    static double of(double[] a, double[] b) {
        double w1 = a[2] - a[0];
        double h1 = a[3] - a[1] + EPS;
        double w2 = b[2] - b[0];
        double h2 = b[3] - b[1] + EPS;
        double iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double intersection = iw * ih;
        double union = w1 * h1 + w2 * h2 - intersection + EPS;
        double iou = intersection / union;
        double cw = Math.max(a[2], b[2]) - Math.min(a[0], b[0]);
        double ch = Math.max(a[3], b[3]) - Math.min(a[1], b[1]);
        double diagonal = cw * cw + ch * ch + EPS;
        double dx = b[0] + b[2] - a[0] - a[2];
        double dy = b[1] + b[3] - a[1] - a[3];
        double centres = (dx * dx + dy * dy) / 4;
        double angle = Math.atan(w2 / h2) - Math.atan(w1 / h1);
        double v = 4 / (Math.PI * Math.PI) * angle * angle;
        double alpha = v / (v - iou + 1 + EPS);
        return iou - (centres / diagonal + v * alpha);
    }
}
