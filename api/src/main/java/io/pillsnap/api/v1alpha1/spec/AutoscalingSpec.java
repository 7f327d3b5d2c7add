package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/**
 * How a served model's replicas follow its load: bounds and one target for the
 * HorizontalPodAutoscaler the operator keeps beside the model's Deployment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "(has(self.minReplicas) ? self.minReplicas : 1) <= self.maxReplicas",
        message = "minReplicas is more than maxReplicas: raise maxReplicas or lower minReplicas",
        fieldPath = ".minReplicas")
@ValidationRule(
        value = "has(self.targetCpuUtilizationPercent) != has(self.targetInflightRequestsPerPod)",
        message =
                "autoscaling needs exactly one target: targetCpuUtilizationPercent (needs only"
                        + " metrics-server) or targetInflightRequestsPerPod (needs a"
                        + " custom-metrics adapter, see docs/serving.md#autoscaling)")
public record AutoscalingSpec(
        @Default("1")
                @Min(1)
                @Max(100)
                @JsonPropertyDescription(
                        "Fewest inference pods of the served model. A new model starts at the"
                                + " pod count of the model it replaces, within minReplicas and"
                                + " maxReplicas, and its rollout waits for all of them Ready. 2"
                                + " or more also keeps a pod up during node drains (a"
                                + " PodDisruptionBudget). Default: 1.")
                Integer minReplicas,
        @Required
                @Min(1)
                @Max(100)
                @JsonPropertyDescription("Most inference pods of the served model.")
                Integer maxReplicas,
        @Min(1)
                @Max(100)
                @JsonPropertyDescription(
                        "Target: average CPU use of the pods, in percent of spec.serving.cpu."
                                + " Works on any cluster with metrics-server. Set this or"
                                + " targetInflightRequestsPerPod.")
                Integer targetCpuUtilizationPercent,
        @Min(0.1)
                @Max(1000)
                @JsonPropertyDescription(
                        "Target: average requests being decoded or classified per pod (the"
                                + " server's gauge pillsnap_inference_inflight), e.g. 1.5; keep it"
                                + " below the pod's inference slots (its CPU count). Needs a"
                                + " custom-metrics adapter such as prometheus-adapter serving"
                                + " that gauge as a Pods metric. Set this or"
                                + " targetCpuUtilizationPercent.")
                Double targetInflightRequestsPerPod) {

    public AutoscalingSpec {
        minReplicas = Objects.requireNonNullElse(minReplicas, 1);
    }

    /** Bounds with a CPU target, in percent of the pods' CPU request. */
    public static AutoscalingSpec onCpu(int minReplicas, int maxReplicas, int percent) {
        return new AutoscalingSpec(minReplicas, maxReplicas, percent, null);
    }

    /** Bounds with a target of in-flight requests per pod. */
    public static AutoscalingSpec onInflightRequests(
            int minReplicas, int maxReplicas, double perPod) {
        return new AutoscalingSpec(minReplicas, maxReplicas, null, perPod);
    }

    /** Whether the target is CPU utilisation (otherwise in-flight requests per pod). */
    public boolean targetsCpu() {
        return targetCpuUtilizationPercent != null;
    }
}
