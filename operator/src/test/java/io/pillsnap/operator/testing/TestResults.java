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

    public static String succeeded(Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(metrics, true));
    }

    public static String succeededWithFailedExport(Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(metrics, false));
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

    private static TrainerResult result(Map<Metric, Double> metrics, boolean exportPassed) {
        Map<String, Double> byKey = new LinkedHashMap<>();
        metrics.forEach((metric, value) -> byKey.put(metric.key(), value));
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "r1",
                3,
                3,
                byKey,
                new TrainerResult.Artifacts(
                        "run",
                        List.of(
                                new ArtifactFile("manifest", "run/manifest.json", "a".repeat(64)),
                                new ArtifactFile(
                                        "classifier", "run/classifier.onnx", "b".repeat(64)))),
                new TrainerResult.ExportCheck(
                        exportPassed ? 2e-6 : 0.4, exportPassed ? 1.0 : 0.7, 64, exportPassed),
                new TrainerResult.DataSummary("c".repeat(64), "d".repeat(64), 10, 800, 200, 0),
                "trained 3 epochs");
    }
}
