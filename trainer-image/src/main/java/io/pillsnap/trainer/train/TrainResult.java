package io.pillsnap.trainer.train;

import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.eval.Evaluation;
import io.pillsnap.trainer.weights.PretrainedImport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished training run produced: its folder, the best epoch's evaluation on the validation
 * split and (when the dataset has one) on the test set, latency, the exported model check, the
 * files of the model card and the data lineage.
 */
public record TrainResult(
        Path runDirectory,
        String runId,
        int epochs,
        int bestEpoch,
        Evaluation evaluation,
        Evaluation test,
        Latency latency,
        ExportCheck exportCheck,
        List<io.pillsnap.api.artifact.ModelFile> models,
        StageSample sample,
        String classMapSha256,
        SkipReport skipped,
        double wallSeconds,
        double trainImagesPerSecond,
        PretrainedImport.Imported pretrained) {

    /**
     * The evaluated metrics under their contract keys ({@link Metric#key()}), as the result message
     * and the manifest report them; latency only when it was measured.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(Metric.TOP1.key(), evaluation.top1());
        metrics.put(Metric.TOP5.key(), evaluation.top5());
        metrics.put(Metric.MACRO_F1.key(), evaluation.macroF1());
        if (Double.isFinite(latency.p95Ms())) {
            metrics.put(Metric.LATENCY_P95_MS.key(), latency.p95Ms());
        }
        metrics.put(Metric.THROUGHPUT.key(), evaluation.imagesPerSecond());
        return metrics;
    }

    /** The chosen checkpoint's metrics on the test set; empty when the dataset has none. */
    public Map<String, Double> testMetrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (test != null) {
            metrics.put(Metric.TOP1.key(), test.top1());
            metrics.put(Metric.TOP5.key(), test.top5());
            metrics.put(Metric.MACRO_F1.key(), test.macroF1());
        }
        return metrics;
    }

    /** Single-image classification latency. */
    public record Latency(int samples, double p50Ms, double p95Ms) {}
}
