package io.pillsnap.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.gate.RunMetrics;
import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gate as a person reads it: the run's metrics on each set, one row per criterion, then the
 * verdict.
 */
final class GateReport {

    private GateReport() {}

    static void print(PrintWriter out, GateStatus gate, TrainerResult result) {
        RunMetrics metrics = RunMetrics.of(result);
        out.printf(
                "validation: %s (the split that chose the checkpoint)%n",
                quality(metrics.validation()));
        out.printf(
                "test:       %s%n",
                metrics.hasTest()
                        ? quality(metrics.test()) + " (the dataset's val/ folder, evaluated once)"
                        : "none (the dataset has no val/ folder)");
        String run = runLevel(metrics.validation());
        if (!run.isEmpty()) {
            out.printf("run:        %s%n", run);
        }
        out.printf(
                "%-14s %-3s %10s %10s  %-7s  %s%n",
                "METRIC", "OP", "REQUIRED", "MEASURED", "MET", "SET");
        for (CriterionResult row : gate.criteria()) {
            out.printf(
                    "%-14s %-3s %10s %10s  %-7s  %s%n",
                    row.metric().key(),
                    row.op().symbol(),
                    number(row.threshold()),
                    row.actual() == null ? "missing" : number(row.actual()),
                    row.met() == null ? "unknown" : row.met() ? "yes" : "NO",
                    row.set() == null ? "run" : row.set().key());
        }
        TrainerResult.ExportCheck export = result.export();
        if (export != null) {
            out.printf(
                    Locale.ROOT,
                    "ONNX export: max abs logit difference %.3g, top-1 agreement %.4f on %d"
                            + " images (%s)%n",
                    export.maxAbsDiff(),
                    export.top1Agreement(),
                    export.images(),
                    export.passed() ? "passed" : "FAILED");
        }
        TrainerResult.ExportCheck detector = result.detectorExport();
        if (detector != null) {
            out.printf(
                    Locale.ROOT,
                    "detector ONNX export: max abs head difference %.3g, %.4f of the boxes found"
                            + " again (IoU >= 0.99) on %d photos (%s)%n",
                    detector.maxAbsDiff(),
                    detector.top1Agreement(),
                    detector.images(),
                    detector.passed() ? "passed" : "FAILED");
        }
        out.printf("gate: %s (%s)%n", gate.result(), gate.summary());
    }

    /**
     * The classifier's calibration as report/calibration.json records it: temperature, ECE before
     * and after it, the answers at the threshold, and the unknown drugs; nothing without the file.
     */
    static void printCalibration(PrintWriter out, Path run) {
        Path file = run.resolve("report/calibration.json");
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode calibration;
        try {
            calibration = JsonMapper.builder().build().readTree(file.toFile());
        } catch (IOException e) {
            out.printf("calibration: cannot read %s: %s%n", file, e.getMessage());
            return;
        }
        double threshold = calibration.path("threshold").asDouble();
        out.printf(
                Locale.ROOT,
                "calibration: temperature %.3f fitted on validation; answer threshold %s for an"
                        + " answered precision of %.3f%n",
                calibration.path("fit").path("temperature").asDouble(),
                threshold > 1 ? "above 1 (nothing answered)" : number(threshold),
                calibration.path("answerPrecision").asDouble());
        for (String set : List.of("validation", "test")) {
            JsonNode figures = calibration.path(set);
            if (figures.isMissingNode() || figures.isNull()) {
                continue;
            }
            JsonNode answers = figures.path("answers");
            JsonNode precision = answers.path("answeredPrecision");
            out.printf(
                    Locale.ROOT,
                    "  %-10s ECE %s -> %s; %d of %d answered (coverage %s), precision of the"
                            + " answered %s; worst class recall %s%n",
                    set,
                    number(figures.path("before").path("ece").asDouble()),
                    number(figures.path("after").path("ece").asDouble()),
                    answers.path("answered").asInt(),
                    answers.path("images").asInt(),
                    number(answers.path("coverage").asDouble()),
                    precision.isNumber() ? number(precision.asDouble()) : "undefined",
                    number(figures.path("worstClass").path("recall").asDouble()));
        }
        JsonNode unknown = calibration.path("unknown");
        if (unknown.isObject()) {
            out.printf(
                    Locale.ROOT,
                    "  unknown    %d photos of drugs outside the stage against %d known: AUROC %s,"
                            + " %s answered not sure (known answered: %s)%n",
                    unknown.path("unknown").asInt(),
                    unknown.path("known").asInt(),
                    number(unknown.path("auroc").asDouble()),
                    number(unknown.path("unknownRejection").asDouble()),
                    number(unknown.path("knownAnswered").asDouble()));
        }
    }

    private static String quality(StageMetrics metrics) {
        List<String> values = new ArrayList<>();
        metrics.asMap()
                .forEach(
                        (metric, value) -> {
                            if (!metric.isRunLevel()) {
                                values.add(metric.key() + " " + number(value));
                            }
                        });
        return values.isEmpty() ? "no metrics" : String.join(", ", values);
    }

    private static String runLevel(StageMetrics metrics) {
        List<String> values = new ArrayList<>();
        metrics.get(Metric.LATENCY_P95_MS)
                .ifPresent(
                        ms -> values.add(String.format(Locale.ROOT, "latencyP95Ms %.2f ms", ms)));
        metrics.get(Metric.THROUGHPUT)
                .ifPresent(
                        rate ->
                                values.add(
                                        String.format(
                                                Locale.ROOT, "throughput %.1f images/s", rate)));
        return String.join(", ", values);
    }

    private static String number(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
