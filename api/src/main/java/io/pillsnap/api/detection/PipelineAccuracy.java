package io.pillsnap.api.detection;

import java.util.ArrayList;
import java.util.List;

/**
 * The two-stage pipeline's accuracy on photos of several pills: the share of true pills that are
 * detected (a predicted box at IoU >= 0.5, each prediction matched to one pill at most, the most
 * confident first) and named correctly at top-1. A missed pill, a pill named wrongly and a pill
 * whose only box went to a neighbour all count as wrong; extra boxes cost nothing here (precision
 * is mAP's job).
 */
public final class PipelineAccuracy {

    public static final double MIN_IOU = 0.5;

    private PipelineAccuracy() {}

    /** A labelled pill of a photo: its box in the photo's pixels and its class. */
    public record TruePill(Box box, int classIndex) {}

    /**
     * @param correct pills detected and named right
     * @param pills all true pills
     */
    public record Score(int correct, int pills) {
        /** The share; NaN when there is no true pill. */
        public double accuracy() {
            return pills == 0 ? Double.NaN : (double) correct / pills;
        }
    }

    /**
     * @param truths per photo, its labelled pills
     * @param predictions per photo (same order), the pipeline's pills
     */
    public static Score score(
            List<List<TruePill>> truths, List<List<ComboPipeline.Pill>> predictions) {
        if (truths.size() != predictions.size()) {
            throw new IllegalArgumentException(
                    truths.size() + " photos of labels but " + predictions.size() + " predicted");
        }
        int correct = 0;
        int pills = 0;
        for (int i = 0; i < truths.size(); i++) {
            List<TruePill> truth = truths.get(i);
            pills += truth.size();
            ComboPipeline.Pill[] matched = match(truth, predictions.get(i));
            for (int t = 0; t < truth.size(); t++) {
                if (namedRight(matched[t], truth.get(t).classIndex())) {
                    correct++;
                }
            }
        }
        return new Score(correct, pills);
    }

    /**
     * For each true pill, the prediction detecting it, null when missed: the most confident
     * predictions first, each to the free pill it overlaps most at IoU >= {@link #MIN_IOU}.
     */
    public static ComboPipeline.Pill[] match(
            List<TruePill> truth, List<ComboPipeline.Pill> predictions) {
        List<ComboPipeline.Pill> predicted = new ArrayList<>(predictions);
        predicted.sort((a, b) -> Double.compare(b.confidence(), a.confidence()));
        ComboPipeline.Pill[] matched = new ComboPipeline.Pill[truth.size()];
        for (ComboPipeline.Pill pill : predicted) {
            int best = -1;
            double bestIou = MIN_IOU;
            for (int t = 0; t < truth.size(); t++) {
                double iou = matched[t] != null ? -1 : pill.box().iou(truth.get(t).box());
                if (iou >= bestIou) {
                    best = t;
                    bestIou = iou;
                }
            }
            if (best >= 0) {
                matched[best] = pill;
            }
        }
        return matched;
    }

    /** Whether a matched prediction names {@code classIndex} at top-1. */
    public static boolean namedRight(ComboPipeline.Pill pill, int classIndex) {
        return pill != null
                && !pill.top().isEmpty()
                && pill.top().get(0).classIndex() == classIndex;
    }
}
