package io.pillsnap.trainer.classifier;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.pillsnap.trainer.report.Evaluation;
import java.util.List;

/**
 * The classifier's part of {@code metrics.json}: the chosen checkpoint's figures ({@code final},
 * also {@code report/evaluation.json}), the best epoch and every epoch's.
 */
public record ClassifierMetrics(
        @JsonProperty("final") Final chosen,
        int bestEpoch,
        int epochs,
        List<ClassifierEpoch> history) {

    /** One evaluated set of photos. */
    public record SetFigures(
            int images,
            double top1,
            double top5,
            double macroF1,
            double macroPrecision,
            double macroRecall,
            double loss,
            double throughput) {

        public static SetFigures of(Evaluation evaluation) {
            return new SetFigures(
                    evaluation.images(),
                    evaluation.top1(),
                    evaluation.top5(),
                    evaluation.macroF1(),
                    evaluation.macroPrecision(),
                    evaluation.macroRecall(),
                    evaluation.loss(),
                    evaluation.imagesPerSecond());
        }
    }

    /**
     * The chosen checkpoint on the validation split with its single-image latency, and on the test
     * set when the dataset has one.
     */
    public record Final(
            @JsonUnwrapped SetFigures validation,
            double latencyP50Ms,
            double latencyP95Ms,
            @JsonInclude(JsonInclude.Include.NON_NULL) SetFigures test) {}

    /** What {@code metrics.json} holds while training: the epochs so far. */
    public record SoFar(List<ClassifierEpoch> history, int bestEpoch) {}
}
