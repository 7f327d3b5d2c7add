package io.pillsnap.trainer.classifier;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.EvaluatedSet;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.report.EvaluationReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the evaluation of the best checkpoint: the report of the validation and test sets
 * (report/index.html and the CSV files, see {@link EvaluationReport}, the confusion pictures also
 * in TensorBoard) and report/evaluation.json; returns the classifier's part of metrics.json.
 */
public final class Reports {

    private Reports() {}

    /**
     * @param test the test set's evaluation, or null when the dataset has none
     * @param board TensorBoard, for the confusion pictures; may be null
     */
    static Map<String, Object> write(
            RunDirectory dir,
            ClassMap classes,
            EvaluatedSet validation,
            EvaluatedSet test,
            ClassifierState state,
            LatencyMeter.Latency latency,
            TensorBoardWriter board) {
        List<EvaluatedSet> sets = test == null ? List.of(validation) : List.of(validation, test);
        EvaluationReport.write(dir.reportFolder(), classes, sets, board, state.step());
        Map<String, Object> summary = finalMetrics(validation.evaluation(), latency);
        if (test != null) {
            summary.put("test", setMetrics(test.evaluation()));
        }
        dir.writeJson(dir.report("evaluation.json"), summary);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final", summary);
        metrics.put("bestEpoch", state.bestEpoch());
        metrics.put("epochs", state.epochsDone());
        metrics.put("history", state.history());
        return metrics;
    }

    /** A held-out set with its photos in evaluation order, as the report shows them. */
    public static EvaluatedSet set(String name, Evaluation evaluation, ImageSource photos) {
        return new EvaluatedSet(
                name, evaluation, photos.samples().stream().map(Sample::image).toList());
    }

    public static Map<String, Object> finalMetrics(
            Evaluation evaluation, LatencyMeter.Latency latency) {
        Map<String, Object> summary = setMetrics(evaluation);
        summary.put("latencyP50Ms", latency.p50Ms());
        summary.put("latencyP95Ms", latency.p95Ms());
        return summary;
    }

    /** The metrics of one evaluated set of photos. */
    public static Map<String, Object> setMetrics(Evaluation evaluation) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("images", evaluation.images());
        summary.put("top1", evaluation.top1());
        summary.put("top5", evaluation.top5());
        summary.put("macroF1", evaluation.macroF1());
        summary.put("macroPrecision", evaluation.macroPrecision());
        summary.put("macroRecall", evaluation.macroRecall());
        summary.put("loss", evaluation.loss());
        summary.put("throughput", evaluation.imagesPerSecond());
        return summary;
    }
}
