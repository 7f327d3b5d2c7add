package io.pillsnap.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.gate.ExportVerdict;
import io.pillsnap.api.gate.GateEvaluator;
import io.pillsnap.api.gate.RunMetrics;
import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local run's gate report shows the validation and the test metrics apart. */
class GateReportTest {

    private static final List<SuccessCriterion> CRITERIA =
            List.of(SuccessCriterion.atLeast(Metric.TOP1, 0.60));

    @Test
    void printsEachSetOnItsOwnLineAndGatesOnTheTestSet() {
        String report =
                report(
                        result(
                                Map.of("top1", 0.72, "macroF1", 0.66, "latencyP95Ms", 4.25),
                                Map.of("top1", 0.57, "macroF1", 0.56)));

        assertThat(report)
                .contains(
                        "validation: top1 0.7200, macroF1 0.6600 (the split that chose the"
                                + " checkpoint)")
                .contains("test:       top1 0.5700, macroF1 0.5600 (the dataset's val/ folder")
                .contains("run:        latencyP95Ms 4.25 ms")
                .containsPattern("top1 +>= +0\\.6000 +0\\.5700  NO +test")
                .contains("gate: Failed (top1 0.5700 is not >= 0.6000 on the test set)");
    }

    @Test
    void saysWhenTheDatasetHadNoTestSetAndDoesNotPassOnValidationUnlessAsked() {
        String report = report(result(Map.of("top1", 0.72), null));

        assertThat(report)
                .contains("test:       none (the dataset has no val/ folder)")
                .containsPattern("top1 +>= +0\\.6000 +missing +unknown +test")
                .contains("gate: Inconclusive (the criteria on top1 read the test set, but the run")
                .contains("give those criteria set: validation");
    }

    @Test
    void printsTheCalibrationTheTrainerRecorded(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("report"));
        // the shape report/calibration.json has (ClassifierCalibration), values made up
        Files.writeString(
                run.resolve("report/calibration.json"),
                """
                {"fit": {"temperature": 1.5, "nllBefore": 1.2, "nllAfter": 1.1},
                 "answerPrecision": 0.99, "threshold": 0.875,
                 "validation": {"photos": 100, "stride": 1,
                   "before": {"ece": 0.12}, "after": {"ece": 0.03},
                   "answers": {"threshold": 0.875, "images": 100, "answered": 40,
                               "correctAnswered": 40, "coverage": 0.4, "answeredPrecision": 1.0},
                   "worstClass": {"classIndex": 3, "support": 2, "correct": 0, "recall": 0.0}},
                 "test": {"photos": 50, "stride": 1,
                   "before": {"ece": 0.15}, "after": {"ece": 0.05},
                   "answers": {"threshold": 0.875, "images": 50, "answered": 0,
                               "correctAnswered": 0, "coverage": 0.0},
                   "worstClass": {"classIndex": 1, "support": 1, "correct": 0, "recall": 0.0}},
                 "unknown": {"known": 50, "unknown": 10, "threshold": 0.875, "auroc": 0.8,
                             "unknownRejection": 0.9, "knownAnswered": 0.0}}
                """);
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            GateReport.printCalibration(out, run);
        }

        assertThat(text.toString())
                .contains(
                        "calibration: temperature 1.500 fitted on validation; answer threshold"
                                + " 0.8750 for an answered precision of 0.990")
                .contains(
                        "validation ECE 0.1200 -> 0.0300; 40 of 100 answered (coverage 0.4000),"
                                + " precision of the answered 1.0000; worst class recall 0.0000")
                .contains("precision of the answered undefined")
                .contains(
                        "unknown    10 photos of drugs outside the stage against 50 known: AUROC"
                                + " 0.8000, 0.9000 answered not sure (known answered: 0.0000)");
    }

    @Test
    void printsNoCalibrationWithoutItsFile(@TempDir Path run) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            GateReport.printCalibration(out, run);
        }
        assertThat(text.toString()).isEmpty();
    }

    private static String report(TrainerResult result) {
        GateStatus gate =
                GateEvaluator.evaluate(
                        CRITERIA,
                        RunMetrics.of(result),
                        ExportVerdict.of(result, List.of(Task.CLASSIFICATION)),
                        1);
        StringWriter out = new StringWriter();
        GateReport.print(new PrintWriter(out), gate, result);
        return out.toString();
    }

    private static TrainerResult result(Map<String, Double> validation, Map<String, Double> test) {
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "local-1",
                3,
                3,
                validation,
                test,
                null,
                new TrainerResult.ExportCheck(2e-6, 1.0, 16, true),
                null,
                null);
    }
}
