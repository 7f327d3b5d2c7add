package io.pillsnap.trainer.report;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;
import java.util.Map;

/**
 * Held-out quality of a model.
 *
 * @param confusion non-zero cells only: [true class, predicted class, count]
 * @param labels each image's true class, in evaluation order
 * @param predictions each image's top-1 class, in evaluation order (int arrays, not objects: stage
 *     4 evaluates about 100,000 images)
 */
@RecordBuilder
public record Evaluation(
        int images,
        double loss,
        double top1,
        double top5,
        double macroF1,
        double macroPrecision,
        double macroRecall,
        double imagesPerSecond,
        List<ClassMetrics> perClass,
        List<int[]> confusion,
        Map<Integer, Integer> predictedTop1,
        int[] labels,
        int[] predictions) {

    public Evaluation {
        if (labels.length != images || predictions.length != images) {
            throw new IllegalArgumentException(
                    images
                            + " images but "
                            + labels.length
                            + " labels and "
                            + predictions.length
                            + " predictions");
        }
    }
}
