package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Hardware and placement of the trainer Job. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "!has(self.gpus) || self.gpus <= 1",
        message =
                "gpus is at most 1: the trainer trains on one device (data-parallel training over"
                        + " several GPUs is not built yet), so more GPUs would be held idle; set"
                        + " gpus: 1, or 0 for the CPU",
        fieldPath = ".gpus")
public record ResourcesSpec(
        @Default("1")
                @Min(0)
                @Max(64)
                @JsonPropertyDescription(
                        "GPUs per trainer pod: 1, or 0 to train on the CPU (more are refused"
                                + " until data-parallel training is built). Default: 1.")
                Integer gpus,
        @Default("nvidia.com/gpu")
                @Pattern("^([a-z0-9.-]+/)?[a-zA-Z0-9._-]+$")
                @JsonPropertyDescription(
                        "Extended resource name of a GPU. Default: nvidia.com/gpu.")
                String gpuResourceName,
        @Default("4")
                @Pattern(QUANTITY)
                @JsonPropertyDescription("CPU request and limit, e.g. 8. Default: 4.")
                String cpu,
        @Default("16Gi")
                @Pattern(QUANTITY)
                @JsonPropertyDescription("Memory request and limit, e.g. 64Gi. Default: 16Gi.")
                String memory,
        @Default("2Gi")
                @Pattern(QUANTITY)
                @JsonPropertyDescription(
                        "Size of /dev/shm (memory-backed) for data-loading threads. Default:"
                                + " 2Gi.")
                String sharedMemory,
        @Default("{}") @JsonPropertyDescription("Node labels the trainer pod must run on.")
                Map<String, String> nodeSelector,
        @JsonPropertyDescription(
                        "Tolerations of the trainer pod, e.g. for tainted GPU nodes. Default: a"
                                + " toleration of the GPU resource name's taint when gpus > 0.")
                List<Toleration> tolerations,
        @JsonPropertyDescription("PriorityClass of the trainer pod.") String priorityClassName,
        @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
                @JsonPropertyDescription(
                        "Kueue LocalQueue to submit the trainer Job to (label"
                                + " kueue.x-k8s.io/queue-name).")
                String queueName,
        @Default("1800")
                @Min(60)
                @Max(604800)
                @JsonPropertyDescription(
                        "Seconds an attempt may wait for its trainer pod to run (image pull,"
                                + " scheduling, quota; not time queued in Kueue) before it fails"
                                + " and counts against spec.training.maxRetries with reason"
                                + " StartTimeout. Default: 1800.")
                Integer startTimeoutSeconds) {

    static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$";
    public static final String DEFAULT_GPU_RESOURCE = "nvidia.com/gpu";

    public ResourcesSpec {
        gpus = Objects.requireNonNullElse(gpus, 1);
        gpuResourceName = Objects.requireNonNullElse(gpuResourceName, DEFAULT_GPU_RESOURCE);
        cpu = Objects.requireNonNullElse(cpu, "4");
        memory = Objects.requireNonNullElse(memory, "16Gi");
        sharedMemory = Objects.requireNonNullElse(sharedMemory, "2Gi");
        nodeSelector = nodeSelector == null ? Map.of() : Map.copyOf(nodeSelector);
        tolerations = tolerations == null ? null : List.copyOf(tolerations);
        startTimeoutSeconds = Objects.requireNonNullElse(startTimeoutSeconds, 1800);
    }

    public static ResourcesSpec defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds resources by name; unset fields take their defaults. */
    public static final class Builder {
        private Integer gpus;
        private String gpuResourceName;
        private String cpu;
        private String memory;
        private String sharedMemory;
        private Map<String, String> nodeSelector;
        private List<Toleration> tolerations;
        private String priorityClassName;
        private String queueName;
        private Integer startTimeoutSeconds;

        private Builder() {}

        public Builder gpus(Integer gpus) {
            this.gpus = gpus;
            return this;
        }

        public Builder gpuResourceName(String gpuResourceName) {
            this.gpuResourceName = gpuResourceName;
            return this;
        }

        public Builder cpu(String cpu) {
            this.cpu = cpu;
            return this;
        }

        public Builder memory(String memory) {
            this.memory = memory;
            return this;
        }

        public Builder sharedMemory(String sharedMemory) {
            this.sharedMemory = sharedMemory;
            return this;
        }

        public Builder nodeSelector(Map<String, String> nodeSelector) {
            this.nodeSelector = nodeSelector;
            return this;
        }

        public Builder tolerations(List<Toleration> tolerations) {
            this.tolerations = tolerations;
            return this;
        }

        public Builder priorityClassName(String priorityClassName) {
            this.priorityClassName = priorityClassName;
            return this;
        }

        public Builder queueName(String queueName) {
            this.queueName = queueName;
            return this;
        }

        public Builder startTimeoutSeconds(Integer startTimeoutSeconds) {
            this.startTimeoutSeconds = startTimeoutSeconds;
            return this;
        }

        public ResourcesSpec build() {
            return new ResourcesSpec(
                    gpus,
                    gpuResourceName,
                    cpu,
                    memory,
                    sharedMemory,
                    nodeSelector,
                    tolerations,
                    priorityClassName,
                    queueName,
                    startTimeoutSeconds);
        }
    }
}
