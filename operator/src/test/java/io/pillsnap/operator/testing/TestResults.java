package io.pillsnap.operator.testing;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Termination messages a trainer would write. */
public final class TestResults {

    private TestResults() {}

    /** The result of run {@code runId}, as its trainer reports it. */
    public static String succeeded(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, true, true));
    }

    /** A result from a trainer that did not check its ONNX export. */
    public static String succeededWithoutExportCheck(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, true, false));
    }

    public static String succeededWithFailedExport(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, false, true));
    }

    public static String failed(String message) {
        return TrainerResultCodec.encode(
                new TrainerResult(
                        TrainerResult.SCHEMA,
                        TrainerResult.Outcome.Failed,
                        null,
                        null,
                        null,
                        Map.of(),
                        null,
                        null,
                        null,
                        message));
    }

    private static TrainerResult result(
            String runId, Map<Metric, Double> metrics, boolean exportPassed, boolean checked) {
        Map<String, Double> byKey = new LinkedHashMap<>();
        metrics.forEach((metric, value) -> byKey.put(metric.key(), value));
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                runId,
                3,
                3,
                byKey,
                new TrainerResult.Artifacts(
                        "run",
                        List.of(
                                new ArtifactFile("manifest", "run/manifest.json", "a".repeat(64)),
                                new ArtifactFile(
                                        "classifier", "run/classifier.onnx", "b".repeat(64)))),
                checked
                        ? new TrainerResult.ExportCheck(
                                exportPassed ? 2e-6 : 0.4,
                                exportPassed ? 1.0 : 0.7,
                                64,
                                exportPassed)
                        : null,
                new TrainerResult.DataSummary("c".repeat(64), "d".repeat(64), 10, 800, 200, 0),
                "trained 3 epochs");
    }
}
