package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;

/**
 * The HorizontalPodAutoscaler of one model's inference Deployment (autoscaling/v2), named after it.
 * One per model, not per track: a new model's own HPA scales its pods from its rollout on, so
 * nothing retargets an HPA at the moment traffic moves.
 */
public final class InferenceAutoscalerFactory {

    /**
     * The inference server's gauge of requests being decoded or classified (its
     * ServingMetrics.INFLIGHT), as a custom-metrics adapter serves it per pod.
     */
    public static final String INFLIGHT_METRIC = "pillsnap_inference_inflight";

    private InferenceAutoscalerFactory() {}

    /** The HPA of model {@code version} of {@code stage}, whose spec.serving.autoscaling is set. */
    public static HorizontalPodAutoscaler create(PillsnapStage stage, String version) {
        AutoscalingSpec autoscaling = stage.getSpec().serving().autoscaling();
        String deployment = ServingNames.deploymentName(version);
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName(deployment)
                .withNamespace(stage.getMetadata().getNamespace())
                .withLabels(ServingNames.labels(stage, version))
                .addToAnnotations(ServingNames.ANNOTATION_MODEL_VERSION, version)
                .withOwnerReferences(Owners.controller(stage))
                .endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(deployment)
                .endScaleTargetRef()
                .withMinReplicas(autoscaling.minReplicas())
                .withMaxReplicas(autoscaling.maxReplicas())
                .withMetrics(metric(autoscaling))
                .endSpec()
                .build();
    }

    private static MetricSpec metric(AutoscalingSpec autoscaling) {
        if (autoscaling.targetsCpu()) {
            return new MetricSpecBuilder()
                    .withType("Resource")
                    .withNewResource()
                    .withName("cpu")
                    .withNewTarget()
                    .withType("Utilization")
                    .withAverageUtilization(autoscaling.targetCpuUtilizationPercent())
                    .endTarget()
                    .endResource()
                    .build();
        }
        return new MetricSpecBuilder()
                .withType("Pods")
                .withNewPods()
                .withNewMetric()
                .withName(INFLIGHT_METRIC)
                .endMetric()
                .withNewTarget()
                .withType("AverageValue")
                .withAverageValue(perPod(autoscaling.targetInflightRequestsPerPod()))
                .endTarget()
                .endPods()
                .build();
    }

    /**
     * A target as the API server writes the quantity back (1.5 -> 1500m, 2 -> 2, 1000 -> 1k), so
     * that the HPA read back matches the desired one and is not rewritten on every pass.
     */
    static Quantity perPod(double value) {
        long milli = Math.round(value * 1000);
        if (milli % 1000 != 0) {
            return new Quantity(milli + "m");
        }
        long units = milli / 1000;
        return new Quantity(units % 1000 == 0 ? units / 1000 + "k" : String.valueOf(units));
    }
}
