package io.pillsnap.trainer.eval;

import java.util.List;
import java.util.Map;

/**
 * Held-out quality of a model.
 *
 * @param confusion non-zero cells only: [true class, predicted class, count]
 */
public record Evaluation(
        int images,
        double loss,
        double top1,
        double top5,
        double macroF1,
        double macroPrecision,
        double macroRecall,
        double imagesPerSecond,
        List<ClassScore> perClass,
        List<int[]> confusion,
        Map<Integer, Integer> predictedTop1) {}
