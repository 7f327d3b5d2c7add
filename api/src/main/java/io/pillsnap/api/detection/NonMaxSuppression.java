package io.pillsnap.api.detection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Class-agnostic non-maximum suppression, one implementation for the trainer's evaluation and the
 * inference server: boxes below the confidence threshold go, then, best first, each box removes the
 * remaining ones that overlap it by more than the IoU threshold, up to a maximum count.
 */
public record NonMaxSuppression(double confidence, double iou, int maxDetections) {

    /** The reference detector's defaults for evaluation: confidence 0.001, IoU 0.7, 300 boxes. */
    public static final NonMaxSuppression EVALUATION = new NonMaxSuppression(0.001, 0.7, 300);

    public NonMaxSuppression {
        if (confidence < 0 || confidence > 1) {
            throw new IllegalArgumentException("confidence must be in [0, 1], is " + confidence);
        }
        if (iou <= 0 || iou > 1) {
            throw new IllegalArgumentException("iou must be in (0, 1], is " + iou);
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException("maxDetections must be at least 1");
        }
    }

    /** The kept boxes, best first. */
    public List<ScoredBox> apply(List<ScoredBox> candidates) {
        List<ScoredBox> sorted = new ArrayList<>();
        for (ScoredBox candidate : candidates) {
            if (candidate.score() >= confidence) {
                sorted.add(candidate);
            }
        }
        sorted.sort(Comparator.comparingDouble(ScoredBox::score).reversed());
        List<ScoredBox> kept = new ArrayList<>();
        boolean[] removed = new boolean[sorted.size()];
        for (int i = 0; i < sorted.size() && kept.size() < maxDetections; i++) {
            if (removed[i]) {
                continue;
            }
            ScoredBox best = sorted.get(i);
            kept.add(best);
            for (int j = i + 1; j < sorted.size(); j++) {
                if (!removed[j] && best.box().iou(sorted.get(j).box()) > iou) {
                    removed[j] = true;
                }
            }
        }
        return kept;
    }
}
