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

    /**
     * The result of run {@code runId}, as its trainer reports it on a dataset with a test set (the
     * usual case: AIHub's val/ folder): the quality metrics the same on validation and test.
     */
    public static String succeeded(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, quality(metrics), true, true));
    }

    /** The result of run {@code runId} on a dataset without a test set: validation only. */
    public static String succeededWithoutTestSet(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, Map.of(), true, true));
    }

    private static Map<Metric, Double> quality(Map<Metric, Double> metrics) {
        Map<Metric, Double> quality = new LinkedHashMap<>(metrics);
        quality.keySet().removeIf(Metric::isRunLevel);
        return quality;
    }

    /**
     * The result of run {@code runId} on a dataset with a test set: {@code validation} from the
     * split that chose the checkpoint (with the run-level metrics), {@code test} from the test set.
     */
    public static String succeeded(
            String runId, Map<Metric, Double> validation, Map<Metric, Double> test) {
        return TrainerResultCodec.encode(result(runId, validation, test, true, true));
    }

    /** A result from a trainer that did not check its ONNX export. */
    public static String succeededWithoutExportCheck(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, quality(metrics), true, false));
    }

    public static String succeededWithFailedExport(String runId, Map<Metric, Double> metrics) {
        return TrainerResultCodec.encode(result(runId, metrics, quality(metrics), false, true));
    }

    /**
     * The result of a run that trained both models: classifier.onnx and detector.onnx in its
     * folder, both export checks passed, every metric on validation and test.
     */
    public static String succeededTwoStage(
            String runId, Map<Metric, Double> validation, Map<Metric, Double> test) {
        return twoStage(
                runId, validation, test, new TrainerResult.ExportCheck(2.1e-5, 1.0, 64, true));
    }

    /**
     * As {@link #succeededTwoStage}, from a trainer that checked the classifier's export but not
     * the detector's.
     */
    public static String succeededTwoStageWithoutDetectorCheck(
            String runId, Map<Metric, Double> validation, Map<Metric, Double> test) {
        return twoStage(runId, validation, test, null);
    }

    private static String twoStage(
            String runId,
            Map<Metric, Double> validation,
            Map<Metric, Double> test,
            TrainerResult.ExportCheck detectorCheck) {
        TrainerResult one = result(runId, validation, test, true, true);
        List<ArtifactFile> files = new java.util.ArrayList<>(one.artifacts().files());
        files.add(new ArtifactFile("detector", "run/detector.onnx", "e".repeat(64)));
        return TrainerResultCodec.encode(
                new TrainerResult(
                        one.schema(),
                        one.outcome(),
                        one.runId(),
                        one.epochs(),
                        one.bestEpoch(),
                        one.metrics(),
                        one.test(),
                        new TrainerResult.Artifacts(one.artifacts().path(), files),
                        one.export(),
                        one.data(),
                        one.message(),
                        detectorCheck));
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
                        null,
                        message));
    }

    private static TrainerResult result(
            String runId,
            Map<Metric, Double> metrics,
            Map<Metric, Double> test,
            boolean exportPassed,
            boolean checked) {
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                runId,
                3,
                3,
                byKey(metrics),
                byKey(test),
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
                new TrainerResult.DataSummary(
                        "c".repeat(64),
                        "d".repeat(64),
                        10,
                        800,
                        200,
                        test.isEmpty() ? null : 300,
                        0),
                "trained 3 epochs");
    }

    private static Map<String, Double> byKey(Map<Metric, Double> metrics) {
        Map<String, Double> byKey = new LinkedHashMap<>();
        metrics.forEach((metric, value) -> byKey.put(metric.key(), value));
        return byKey;
    }
}
