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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
