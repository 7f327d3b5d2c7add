package io.pillsnap.trainer.detector;

import static io.pillsnap.trainer.runtime.Tensors.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.pillsnap.trainer.detector.data.ImageTruth;
import io.pillsnap.trainer.runtime.Tensors;
import java.util.List;

/**
 * The reference detector's loss on the raw head: targets from the {@link TaskAlignedAssigner}, then
 * binary cross-entropy of the class logits against the target scores, CIoU of the decoded boxes and
 * distribution focal loss of the distance bins on the assigned anchors, weighted by their target
 * scores; gains 7.5 (box), 0.5 (class), 1.5 (DFL); everything over the sum of target scores and
 * times the batch size, as the reference does.
 */
public final class DetectionLoss {

    public static final int BINS = 16;
    public static final int[] STRIDES = {8, 16, 32};
    static final float BOX_GAIN = 7.5f;
    static final float CLASS_GAIN = 0.5f;
    static final float DFL_GAIN = 1.5f;

    private final int size;
    private final int classes;
    private final int anchors;
    private final double[][] anchorCells; // centre in cells of its level
    private final double[] anchorStride;

    /** The loss of a detector with square inputs of {@code size} pixels. */
    public DetectionLoss(int size, int classes) {
        this.size = size;
        this.classes = classes;
        int count = 0;
        for (int stride : STRIDES) {
            count += (size / stride) * (size / stride);
        }
        this.anchors = count;
        this.anchorCells = new double[count][];
        this.anchorStride = new double[count];
        int a = 0;
        for (int stride : STRIDES) {
            int cells = size / stride;
            for (int y = 0; y < cells; y++) {
                for (int x = 0; x < cells; x++, a++) {
                    anchorCells[a] = new double[] {x + 0.5, y + 0.5};
                    anchorStride[a] = stride;
                }
            }
        }
    }

    /** The three terms, already multiplied by their gains and the batch size. */
    public record Terms(NDArray box, NDArray classes, NDArray dfl) {
        public NDArray total() {
            return box.add(classes).add(dfl);
        }
    }

    /**
     * @param head the raw head of a batch in training mode, [batch, 64 + classes, anchors]
     */
    public Terms compute(NDArray head, List<ImageTruth> truths) {
        NDManager manager = head.getManager();
        long batch = head.getShape().get(0);
        if (head.getShape().get(2) != anchors || truths.size() != batch) {
            throw new IllegalArgumentException(
                    "head "
                            + head.getShape()
                            + " does not fit "
                            + truths.size()
                            + " images of "
                            + size
                            + " pixels ("
                            + anchors
                            + " anchors)");
        }
        NDArray boxLogits = head.get(":, :64, :").reshape(batch, 4, BINS, anchors);
        NDArray classLogits = head.get(":, 64:, :");
        NDArray bins = manager.arange(0f, BINS).reshape(1, 1, BINS, 1);
        NDArray distances = boxLogits.softmax(2).mul(bins).sum(new int[] {2}); // [B, 4, A] cells

        float[] probabilities = Activation.sigmoid(classLogits.stopGradient()).toFloatArray();
        float[] cells = distances.stopGradient().toFloatArray();
        float[] targetScores = new float[(int) (batch * classes * anchors)];
        float[] weights = new float[(int) (batch * anchors)];
        float[] targetBoxes = new float[(int) (batch * 4 * anchors)];
        float[] binWeights = new float[(int) (batch * 4 * BINS * anchors)];
        double scoreSum = 0;
        for (int b = 0; b < batch; b++) {
            Assignment assignment = assign(b, probabilities, cells, truths.get(b));
            scoreSum += assignment.scoreSum();
            fill(b, assignment, truths.get(b), targetScores, weights, targetBoxes, binWeights);
        }
        float normaliser = (float) Math.max(scoreSum, 1);

        NDArray scoreTargets =
                Tensors.owned(manager, targetScores, new Shape(batch, classes, anchors));
        NDArray classLoss =
                binaryCrossEntropy(classLogits, scoreTargets).sum().div(scalar(head, normaliser));

        NDArray weight = Tensors.owned(manager, weights, new Shape(batch, anchors));
        NDArray anchorX = Tensors.owned(manager, column(0), new Shape(1, anchors));
        NDArray anchorY = Tensors.owned(manager, column(1), new Shape(1, anchors));
        NDArray predicted = NDArrayBoxes.corners(distances, anchorX, anchorY); // [B, 4, A] cells
        NDArray target = Tensors.owned(manager, targetBoxes, new Shape(batch, 4, anchors));
        NDArray ciou = NDArrayBoxes.completeIou(predicted, target);
        NDArray boxLoss = ciou.neg().add(1).mul(weight).sum().div(scalar(head, normaliser));

        NDArray binTargets = Tensors.owned(manager, binWeights, new Shape(batch, 4, BINS, anchors));
        NDArray sideLoss = boxLogits.logSoftmax(2).mul(binTargets).sum(new int[] {2}).neg();
        NDArray dflLoss =
                sideLoss.mean(new int[] {1}).mul(weight).sum().div(scalar(head, normaliser));

        return new Terms(
                boxLoss.mul(scalar(head, BOX_GAIN * batch)),
                classLoss.mul(scalar(head, CLASS_GAIN * batch)),
                dflLoss.mul(scalar(head, DFL_GAIN * batch)));
    }

    private Assignment assign(int b, float[] probabilities, float[] cells, ImageTruth truth) {
        double[][] points = new double[anchors][];
        double[][] predicted = new double[anchors][];
        float[] scores = new float[anchors * classes];
        for (int a = 0; a < anchors; a++) {
            double s = anchorStride[a];
            double px = anchorCells[a][0] * s;
            double py = anchorCells[a][1] * s;
            points[a] = new double[] {px, py};
            int base = b * 4 * anchors;
            predicted[a] =
                    new double[] {
                        px - cells[base + a] * s,
                        py - cells[base + anchors + a] * s,
                        px + cells[base + 2 * anchors + a] * s,
                        py + cells[base + 3 * anchors + a] * s
                    };
            for (int c = 0; c < classes; c++) {
                scores[a * classes + c] = probabilities[(b * classes + c) * anchors + a];
            }
        }
        return TaskAlignedAssigner.assign(
                points, scores, predicted, classes, truth.labels(), truth.boxes());
    }

    private void fill(
            int b,
            Assignment assignment,
            ImageTruth truth,
            float[] targetScores,
            float[] weights,
            float[] targetBoxes,
            float[] binWeights) {
        for (int a = 0; a < anchors; a++) {
            float weight = 0;
            for (int c = 0; c < classes; c++) {
                float score = assignment.scores()[a * classes + c];
                targetScores[(b * classes + c) * anchors + a] = score;
                weight += score;
            }
            if (!assignment.foreground()[a]) {
                // a well-shaped stand-in box (one cell around the anchor) keeps the CIoU and its
                // gradient finite where its weight is zero: 0 times an overflow would be NaN
                targetBoxes[(b * 4) * anchors + a] = (float) (anchorCells[a][0] - 1);
                targetBoxes[(b * 4 + 1) * anchors + a] = (float) (anchorCells[a][1] - 1);
                targetBoxes[(b * 4 + 2) * anchors + a] = (float) (anchorCells[a][0] + 1);
                targetBoxes[(b * 4 + 3) * anchors + a] = (float) (anchorCells[a][1] + 1);
                continue;
            }
            weights[b * anchors + a] = weight;
            double s = anchorStride[a];
            double[] box = truth.boxes()[assignment.truth()[a]];
            double[] distance = {
                anchorCells[a][0] - box[0] / s,
                anchorCells[a][1] - box[1] / s,
                box[2] / s - anchorCells[a][0],
                box[3] / s - anchorCells[a][1]
            };
            for (int side = 0; side < 4; side++) {
                targetBoxes[(b * 4 + side) * anchors + a] = (float) (box[side] / s);
                // the distance splits between the two nearest bins, clamped below the last
                double t = Math.max(0, Math.min(BINS - 1 - 0.01, distance[side]));
                int left = (int) Math.floor(t);
                double rightShare = t - left;
                int base = ((b * 4 + side) * BINS) * anchors + a;
                binWeights[base + left * anchors] = (float) (1 - rightShare);
                binWeights[base + (left + 1) * anchors] = (float) rightShare;
            }
        }
    }

    private float[] column(int index) {
        float[] values = new float[anchors];
        for (int a = 0; a < anchors; a++) {
            values[a] = (float) anchorCells[a][index];
        }
        return values;
    }

    /** Numerically stable: max(x, 0) - x t + log(1 + exp(-|x|)). */
    static NDArray binaryCrossEntropy(NDArray logits, NDArray targets) {
        return logits.maximum(scalar(logits, 0))
                .sub(logits.mul(targets))
                .add(logits.abs().neg().exp().add(1).log());
    }
}
