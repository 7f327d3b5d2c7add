package io.pillsnap.trainer.classifier;

import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.weights.PretrainedImport;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * What the classifier task of a run produced.
 *
 * @param test the best checkpoint on the test set; null when the dataset has none
 * @param metrics the classifier's part of metrics.json
 * @param calibration the temperature, the answer threshold and what they do on each set
 */
@RecordBuilder
public record ClassifierOutcome(
        ClassifierState state,
        Evaluation validation,
        Evaluation test,
        LatencyMeter.Latency latency,
        ExportCheck exportCheck,
        List<ModelFile> models,
        PretrainedImport.Imported pretrained,
        double trainImagesPerSecond,
        ClassifierMetrics metrics,
        ClassifierCalibration calibration) {}
