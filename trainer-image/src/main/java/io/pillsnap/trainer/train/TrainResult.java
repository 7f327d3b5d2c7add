package io.pillsnap.trainer.train;

import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.eval.Evaluation;
import java.nio.file.Path;
import java.util.List;

/**
 * What a finished training run produced: its folder, the best epoch's held-out evaluation, latency,
 * the exported model check, the files of the model card and the data lineage.
 */
public record TrainResult(
        Path runDirectory,
        String runId,
        int epochs,
        int bestEpoch,
        Evaluation evaluation,
        Latency latency,
        ExportCheck exportCheck,
        List<io.pillsnap.api.artifact.ModelFile> models,
        StageSample sample,
        String classMapSha256,
        SkipReport skipped,
        double wallSeconds,
        double trainImagesPerSecond) {

    /** Single-image classification latency. */
    public record Latency(int samples, double p50Ms, double p95Ms) {}
}
