package io.pillsnap.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import org.junit.jupiter.api.Test;

/** Which changes of a model's HPA wake its stage. */
class InferenceAutoscalerEventsTest {

    @Test
    void newMetricsWakeNothingAVerdictChangeDoes() {
        HorizontalPodAutoscaler scaling = hpa(3, "ScalingActive", "True", "ValidMetricFound");
        HorizontalPodAutoscaler busier = hpa(4, "ScalingActive", "True", "ValidMetricFound");
        HorizontalPodAutoscaler stuck = hpa(4, "ScalingActive", "False", "FailedGetPodsMetric");

        assertThat(InferenceAutoscalerDependentResource.wakesTheStage(busier, scaling)).isFalse();
        assertThat(InferenceAutoscalerDependentResource.wakesTheStage(stuck, busier)).isTrue();
        assertThat(InferenceAutoscalerDependentResource.wakesTheStage(busier, stuck)).isTrue();
    }

    private static HorizontalPodAutoscaler hpa(
            int desired, String condition, String status, String reason) {
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("stage1-r1")
                .withGeneration(1L)
                .endMetadata()
                .withNewStatus()
                .withDesiredReplicas(desired)
                .addNewCondition()
                .withType(condition)
                .withStatus(status)
                .withReason(reason)
                .withMessage("the HPA controller's words")
                .endCondition()
                .endStatus()
                .build();
    }
}
