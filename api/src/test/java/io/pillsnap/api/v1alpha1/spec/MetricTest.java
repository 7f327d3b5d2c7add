package io.pillsnap.api.v1alpha1.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a metric's name means to a criterion: its scale, its direction, the task behind it. */
class MetricTest {

    @Test
    void unknownMetricMessageListsEveryMetricIncludingCalibrationAndNotSureAnswers() {
        assertThatThrownBy(() -> Metric.fromKey("calibrationError"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "unknown metric 'calibrationError', expected one of [top1, top5, macroF1,"
                                + " mAP50, mAP50-95, pipelineTop1, ece, coverage,"
                                + " answeredPrecision, unknownRejection, worstClassRecall,"
                                + " latencyP95Ms, throughput]");
    }

    @ParameterizedTest
    @EnumSource(
            value = Metric.class,
            names = {
                "ECE",
                "COVERAGE",
                "ANSWERED_PRECISION",
                "UNKNOWN_REJECTION",
                "WORST_CLASS_RECALL"
            })
    void calibrationAndNotSureMetricsAreClassifierFractionsOfASet(Metric metric) {
        assertThat(Metric.byKey(metric.key())).contains(metric);
        assertThat(metric.isFraction()).isTrue();
        assertThat(metric.isRunLevel()).isFalse();
        assertThat(metric.isClassification()).isTrue();
        assertThat(metric.isDetection()).isFalse();
        assertThat(metric.needsBothTasks()).isFalse();
    }

    @Test
    void onlyErrorsAndCostsAreBetterLower() {
        assertThat(Metric.values())
                .filteredOn(Metric::lowerIsBetter)
                .containsExactly(Metric.ECE, Metric.LATENCY_P95_MS);
        assertThat(Metric.ECE.defaultOperator()).isEqualTo(ComparisonOperator.AT_MOST);
        assertThat(Metric.WORST_CLASS_RECALL.defaultOperator())
                .isEqualTo(ComparisonOperator.AT_LEAST);
    }
}
