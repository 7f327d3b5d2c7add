package io.pillsnap.api.gate;

import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.TEST;
import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.VALIDATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a stage's status shows of a run's validation and test metrics, and what it reads back. */
class RunMetricsTest {

    private static final Map<String, Double> VALIDATION_METRICS =
            Map.of("top1", 0.81, "macroF1", 0.78, "latencyP95Ms", 4.2, "throughput", 310.0);
    private static final Map<String, Double> TEST_METRICS = Map.of("top1", 0.74, "macroF1", 0.70);

    @Test
    void headlineIsTheTestSetWithTheRunLevelMetrics() {
        StageMetrics headline = RunMetrics.of(result(TEST_METRICS)).statusMetrics();

        assertThat(headline)
                .isEqualTo(new StageMetrics(TEST, 0.74, null, 0.70, null, null, null, 4.2, 310.0));
    }

    @Test
    void validationMetricsStandBesideATestHeadline() {
        StageMetrics validation = RunMetrics.of(result(TEST_METRICS)).statusValidationMetrics();

        assertThat(validation)
                .isEqualTo(
                        new StageMetrics(
                                VALIDATION, 0.81, null, 0.78, null, null, null, null, null));
    }

    @Test
    void withoutATestSetTheHeadlineIsTheValidationSetAlone() {
        RunMetrics run = RunMetrics.of(result(null));

        assertThat(run.hasTest()).isFalse();
        assertThat(run.statusMetrics())
                .isEqualTo(
                        new StageMetrics(
                                VALIDATION, 0.81, null, 0.78, null, null, null, 4.2, 310.0));
        assertThat(run.statusValidationMetrics()).isNull();
    }

    @Test
    void theStatusReadsBackAsTheSameRun() {
        for (Map<String, Double> test : new Map[] {TEST_METRICS, null}) {
            RunMetrics run = RunMetrics.of(result(test));

            assertThat(RunMetrics.fromStatus(run.statusMetrics(), run.statusValidationMetrics()))
                    .isEqualTo(run);
        }
    }

    @Test
    void aStatusWrittenBeforeTestSetsReadsAsValidation() {
        StageMetrics old = new StageMetrics(null, 0.81, null, null, null, null, null, null, null);

        RunMetrics run = RunMetrics.fromStatus(old, null);

        assertThat(run.hasTest()).isFalse();
        assertThat(run.validation().top1()).isEqualTo(0.81);
    }

    private static TrainerResult result(Map<String, Double> test) {
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "r1",
                3,
                3,
                VALIDATION_METRICS,
                test,
                null,
                null,
                null,
                null);
    }
}
