package io.pillsnap.trainer.train;

import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.eval.EvaluatedSet;
import io.pillsnap.trainer.eval.Evaluation;
import io.pillsnap.trainer.eval.EvaluationReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the evaluation of the best checkpoint: the report of the validation set (report/index.html
 * and the CSV files, see {@link EvaluationReport}), report/evaluation.json, and the final section
 * of metrics.json.
 */
final class Reports {

    private Reports() {}

    static void write(
            RunDirectory dir,
            Evaluation evaluation,
            StageSample sample,
            TrainingState state,
            TrainResult.Latency latency) {
        List<Path> photos = sample.val().stream().map(Sample::image).toList();
        // the validation source leaves unreadable pictures out, and then the list no longer lines
        // up with the evaluation: the report shows no photos rather than wrong ones
        EvaluatedSet validation =
                new EvaluatedSet(
                        "validation",
                        evaluation,
                        photos.size() == evaluation.images() ? photos : List.of());
        EvaluationReport.write(
                dir.reportFolder(), sample.classes(), List.of(validation), null, state.step());
        Map<String, Object> summary = finalMetrics(evaluation, latency);
        dir.writeJson(dir.report("evaluation.json"), summary);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final", summary);
        metrics.put("bestEpoch", state.bestEpoch());
        metrics.put("epochs", state.epochsDone());
        metrics.put("history", state.history());
        dir.writeJson(dir.file("metrics.json"), metrics);
    }

    static Map<String, Object> finalMetrics(Evaluation evaluation, TrainResult.Latency latency) {
        Map<String, Object> summary = setMetrics(evaluation);
        summary.put("latencyP50Ms", latency.p50Ms());
        summary.put("latencyP95Ms", latency.p95Ms());
        return summary;
    }

    /** The metrics of one evaluated set of photos. */
    static Map<String, Object> setMetrics(Evaluation evaluation) {
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
