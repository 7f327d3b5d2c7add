package io.pillsnap.trainer.detector;

import static io.pillsnap.trainer.runtime.Tensors.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** Box arithmetic on tensors laid out [batch, 4 (x1, y1, x2, y2), anchors], differentiable. */
final class NDArrayBoxes {

    private NDArrayBoxes() {}

    /** Corners from distances (left, top, right, bottom) around the anchor centres. */
    static NDArray corners(NDArray distances, NDArray anchorX, NDArray anchorY) {
        return NDArrays.stack(
                new NDList(
                        anchorX.sub(side(distances, 0)),
                        anchorY.sub(side(distances, 1)),
                        anchorX.add(side(distances, 2)),
                        anchorY.add(side(distances, 3))),
                1);
    }

    /** Complete IoU per anchor, [batch, anchors]; the aspect weight carries no gradient. */
    static NDArray completeIou(NDArray a, NDArray b) {
        double eps = CompleteIou.EPS;
        NDArray ax1 = side(a, 0);
        NDArray ay1 = side(a, 1);
        NDArray ax2 = side(a, 2);
        NDArray ay2 = side(a, 3);
        NDArray bx1 = side(b, 0);
        NDArray by1 = side(b, 1);
        NDArray bx2 = side(b, 2);
        NDArray by2 = side(b, 3);
        NDArray w1 = ax2.sub(ax1);
        NDArray h1 = ay2.sub(ay1).add(eps);
        NDArray w2 = bx2.sub(bx1);
        NDArray h2 = by2.sub(by1).add(eps);
        NDArray zero = scalar(a, 0);
        NDArray iw = ax2.minimum(bx2).sub(ax1.maximum(bx1)).maximum(zero);
        NDArray ih = ay2.minimum(by2).sub(ay1.maximum(by1)).maximum(zero);
        NDArray intersection = iw.mul(ih);
        NDArray union = w1.mul(h1).add(w2.mul(h2)).sub(intersection).add(eps);
        NDArray iou = intersection.div(union);
        NDArray cw = ax2.maximum(bx2).sub(ax1.minimum(bx1));
        NDArray ch = ay2.maximum(by2).sub(ay1.minimum(by1));
        NDArray diagonal = cw.square().add(ch.square()).add(eps);
        NDArray dx = bx1.add(bx2).sub(ax1).sub(ax2);
        NDArray dy = by1.add(by2).sub(ay1).sub(ay2);
        NDArray centres = dx.square().add(dy.square()).div(scalar(a, 4));
        NDArray angle = w2.div(h2).atan().sub(w1.div(h1).atan());
        NDArray v = angle.square().mul(scalar(a, 4 / (Math.PI * Math.PI)));
        NDArray alpha = v.div(v.sub(iou).add(1 + eps)).stopGradient();
        return iou.sub(centres.div(diagonal).add(v.mul(alpha)));
    }

    private static NDArray side(NDArray boxes, int index) {
        return boxes.get(":, " + index + ", :");
    }
}
