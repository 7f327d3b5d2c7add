package io.pillsnap.api.gate;

import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.TEST;
import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.VALIDATION;
import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.spec.Metric;
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
                .isEqualTo(
                        StageMetrics.builder()
                                .set(TEST)
                                .top1(0.74)
                                .macroF1(0.70)
                                .latencyP95Ms(4.2)
                                .throughput(310.0)
                                .build());
    }

    @Test
    void validationMetricsStandBesideATestHeadline() {
        StageMetrics validation = RunMetrics.of(result(TEST_METRICS)).statusValidationMetrics();

        assertThat(validation)
                .isEqualTo(StageMetrics.builder().set(VALIDATION).top1(0.81).macroF1(0.78).build());
    }

    @Test
    void withoutATestSetTheHeadlineIsTheValidationSetAlone() {
        RunMetrics run = RunMetrics.of(result(null));

        assertThat(run.hasTest()).isFalse();
        assertThat(run.statusMetrics())
                .isEqualTo(
                        StageMetrics.builder()
                                .set(VALIDATION)
                                .top1(0.81)
                                .macroF1(0.78)
                                .latencyP95Ms(4.2)
                                .throughput(310.0)
                                .build());
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
    void calibrationAndNotSureMetricsReachBothSetsOfTheStatusAndReadBack() {
        Map<String, Double> validation = new java.util.HashMap<>(VALIDATION_METRICS);
        validation.putAll(Map.of("ece", 0.018, "coverage", 0.91, "answeredPrecision", 0.99));
        Map<String, Double> test =
                Map.of(
                        "top1", 0.74,
                        "ece", 0.034,
                        "coverage", 0.83,
                        "answeredPrecision", 0.987,
                        "unknownRejection", 0.92,
                        "worstClassRecall", 0.31);
        RunMetrics run = RunMetrics.of(result(validation, test));

        assertThat(run.statusMetrics())
                .isEqualTo(
                        StageMetrics.builder()
                                .set(TEST)
                                .top1(0.74)
                                .ece(0.034)
                                .coverage(0.83)
                                .answeredPrecision(0.987)
                                .unknownRejection(0.92)
                                .worstClassRecall(0.31)
                                .latencyP95Ms(4.2)
                                .throughput(310.0)
                                .build());
        assertThat(run.statusValidationMetrics())
                .isEqualTo(
                        StageMetrics.builder()
                                .set(VALIDATION)
                                .top1(0.81)
                                .macroF1(0.78)
                                .ece(0.018)
                                .coverage(0.91)
                                .answeredPrecision(0.99)
                                .build());
        assertThat(RunMetrics.fromStatus(run.statusMetrics(), run.statusValidationMetrics()))
                .isEqualTo(run);
    }

    @Test
    void aRunWithoutCalibrationLeavesItsMetricsAbsent() {
        StageMetrics headline = RunMetrics.of(result(TEST_METRICS)).statusMetrics();

        assertThat(headline.ece()).isNull();
        assertThat(headline.coverage()).isNull();
        assertThat(headline.unknownRejection()).isNull();
        assertThat(headline.worstClassRecall()).isNull();
        assertThat(headline.asMap()).doesNotContainKeys(Metric.ECE, Metric.COVERAGE);
    }

    @Test
    void aStatusWrittenBeforeTestSetsReadsAsValidation() {
        StageMetrics old = StageMetrics.builder().top1(0.81).build();

        RunMetrics run = RunMetrics.fromStatus(old, null);

        assertThat(run.hasTest()).isFalse();
        assertThat(run.validation().top1()).isEqualTo(0.81);
    }

    private static TrainerResult result(Map<String, Double> test) {
        return result(VALIDATION_METRICS, test);
    }

    private static TrainerResult result(Map<String, Double> validation, Map<String, Double> test) {
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "r1",
                3,
                3,
                validation,
                test,
                null,
                null,
                null,
                null);
    }
}
