package io.pillsnap.trainer.run;

import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.trainer.classifier.ClassifierOutcome;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.detector.DetectorOutcome;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.weights.PretrainedImport;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished training run produced: its folder, the data it sampled, the outcome of each task
 * it trained (null for a task the stage does not train) and, when it trained both, the two-stage
 * pipeline's score.
 */
@RecordBuilder
public record RunOutcome(
        Path runDirectory,
        String runId,
        StageSample sample,
        String classMapSha256,
        SkipReport skipped,
        double wallSeconds,
        ClassifierOutcome classifier,
        DetectorOutcome detector,
        PipelineEvaluation.Scored pipeline) {

    /**
     * The evaluated metrics under their contract keys ({@link Metric#key()}), as the result message
     * and the manifest report them: the classifier's on its validation split (latency only when it
     * was measured) and the detector's on its validation photos.
     */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (classifier != null) {
            Evaluation evaluation = classifier.validation();
            metrics.put(Metric.TOP1.key(), evaluation.top1());
            metrics.put(Metric.TOP5.key(), evaluation.top5());
            metrics.put(Metric.MACRO_F1.key(), evaluation.macroF1());
            if (Double.isFinite(classifier.latency().p95Ms())) {
                metrics.put(Metric.LATENCY_P95_MS.key(), classifier.latency().p95Ms());
            }
            metrics.put(Metric.THROUGHPUT.key(), evaluation.imagesPerSecond());
            if (classifier.calibration() != null) {
                metrics.putAll(classifier.calibration().validation().metrics());
            }
        }
        if (detector != null) {
            putDetection(metrics, detector.validation());
        }
        if (pipeline != null) {
            putPipeline(metrics, pipeline.validation().score());
        }
        return metrics;
    }

    /** The chosen checkpoints' metrics on the test sets; empty when the dataset has none. */
    public Map<String, Double> testMetrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (test() != null) {
            metrics.put(Metric.TOP1.key(), test().top1());
            metrics.put(Metric.TOP5.key(), test().top5());
            metrics.put(Metric.MACRO_F1.key(), test().macroF1());
            if (classifier.calibration() != null) {
                metrics.putAll(classifier.calibration().testMetrics());
            }
        }
        if (detector != null && detector.test() != null) {
            putDetection(metrics, detector.test());
        }
        if (pipeline != null && pipeline.test() != null) {
            putPipeline(metrics, pipeline.test().score());
        }
        return metrics;
    }

    private static void putDetection(Map<String, Double> metrics, DetectionMetrics detection) {
        if (Double.isFinite(detection.mAP50())) {
            metrics.put(Metric.MAP50.key(), detection.mAP50());
            metrics.put(Metric.MAP50_95.key(), detection.mAP50to95());
        }
    }

    private static void putPipeline(
            Map<String, Double> metrics, io.pillsnap.api.detection.PipelineAccuracy.Score score) {
        if (score.pills() > 0) {
            metrics.put(Metric.PIPELINE_TOP1.key(), score.accuracy());
        }
    }

    /** Epochs of the run: the classifier's, or the detector's when it trains alone. */
    public int epochs() {
        return classifier != null ? classifier.state().epochsDone() : detector.state().epochsDone();
    }

    public int bestEpoch() {
        return classifier != null ? classifier.state().bestEpoch() : detector.state().bestEpoch();
    }

    /** The classifier on the test set; null without a classifier or a test set. */
    public Evaluation test() {
        return classifier == null ? null : classifier.test();
    }

    /** The classifier's export check; null in a run without a classifier. */
    public ExportCheck exportCheck() {
        return classifier == null ? null : classifier.exportCheck();
    }

    public PretrainedImport.Imported pretrained() {
        return classifier == null ? null : classifier.pretrained();
    }

    /** The exported models of every task, classifier first. */
    public List<ModelFile> models() {
        List<ModelFile> models = new ArrayList<>();
        if (classifier != null) {
            models.addAll(classifier.models());
        }
        if (detector != null) {
            models.add(detector.model());
        }
        return models;
    }

    /** Whether every exported model passed its equivalence check. */
    public boolean exportsPassed() {
        return (classifier == null || classifier.exportCheck().passed())
                && (detector == null || detector.exportCheck().passed());
    }
}
