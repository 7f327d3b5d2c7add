package io.pillsnap.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerConditionBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an autoscaler's status says of its own trouble, as the HPA controller writes it. */
class ServingObserverTest {

    @Test
    void aMetricTheAutoscalerCannotReadIsItsProblem() {
        // as Kubernetes' HPA controller (pkg/controller/podautoscaler) writes them when its Pods
        // metric cannot be read: ScalingActive False, FailedGetPodsMetric, "the HPA was unable to
        // compute the replica count: <the metrics client's error>"
        HorizontalPodAutoscaler hpa =
                withConditions(
                        condition(
                                "AbleToScale",
                                "True",
                                "SucceededGetScale",
                                "the HPA controller"
                                        + " was able to get the target's current scale"),
                        condition(
                                "ScalingActive",
                                "False",
                                "FailedGetPodsMetric",
                                "the HPA was unable to compute the replica count: unable to get"
                                        + " metric pillsnap_inference_inflight: no custom metrics"
                                        + " API (custom.metrics.k8s.io) registered"));

        assertThat(ServingObserver.problem(hpa))
                .hasValue(
                        "FailedGetPodsMetric: the HPA was unable to compute the replica count:"
                                + " unable to get metric pillsnap_inference_inflight: no custom"
                                + " metrics API (custom.metrics.k8s.io) registered");
    }

    @Test
    void anAutoscalerThatScalesOrHasNotBeenLookedAtHasNone() {
        HorizontalPodAutoscaler scaling =
                withConditions(
                        condition("AbleToScale", "True", "ReadyForNewScale", "recommended size"),
                        condition("ScalingActive", "True", "ValidMetricFound", "computed"),
                        condition("ScalingLimited", "True", "TooFewReplicas", "at minReplicas"));
        assertThat(ServingObserver.problem(scaling)).isEmpty();
        assertThat(ServingObserver.problem(new HorizontalPodAutoscaler())).isEmpty();
    }

    @Test
    void aConditionWithoutAMessageGivesItsReason() {
        assertThat(
                        ServingObserver.problem(
                                withConditions(
                                        condition("AbleToScale", "False", "FailedGetScale", null))))
                .hasValue("FailedGetScale");
    }

    private static HorizontalPodAutoscaler withConditions(
            HorizontalPodAutoscalerCondition... conditions) {
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("stage1-r1")
                .endMetadata()
                .withNewStatus()
                .withConditions(List.of(conditions))
                .endStatus()
                .build();
    }

    private static HorizontalPodAutoscalerCondition condition(
            String type, String status, String reason, String message) {
        return new HorizontalPodAutoscalerConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .build();
    }
}
