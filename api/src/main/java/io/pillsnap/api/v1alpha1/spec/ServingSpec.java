package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.pillsnap.api.ApiConstants;
import java.util.Objects;

/** How the promoted model of a stage is served. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServingSpec(
        @Default("false")
                @JsonPropertyDescription(
                        "Serve the promoted model with the inference server. Default: false.")
                Boolean enabled,
        @Default("1")
                @Min(0)
                @Max(100)
                @JsonPropertyDescription(
                        "Inference server replicas; not used while autoscaling is set. Default:"
                                + " 1. 2 or more also keeps a pod up during node drains (a"
                                + " PodDisruptionBudget).")
                Integer replicas,
        @Default("pillsnap")
                @Pattern(ApiConstants.DNS_LABEL)
                @JsonPropertyDescription(
                        "Name of the stable Service clients call; stages on the same track"
                                + " replace each other's model. Default: pillsnap.")
                String track,
        @Default("2")
                @Pattern(ResourcesSpec.QUANTITY)
                @JsonPropertyDescription("CPU request and limit per replica. Default: 2.")
                String cpu,
        @Default("2Gi")
                @Pattern(ResourcesSpec.QUANTITY)
                @JsonPropertyDescription("Memory request and limit per replica. Default: 2Gi.")
                String memory,
        @Default("600")
                @Min(10)
                @JsonPropertyDescription(
                        "Seconds a new model's pods have to become Ready before the rollout is"
                                + " abandoned and the previous model kept. Default: 600.")
                Integer readyTimeoutSeconds,
        @Pattern(ApiConstants.DNS_SUBDOMAIN)
                @JsonPropertyDescription(
                        "Secret whose key 'api-keys' lists the inference API keys, one per line;"
                                + " clients send one in X-API-Key. Without it the API is open to"
                                + " whoever reaches the Service.")
                String apiKeySecret,
        @Default("30")
                @Min(0)
                @Max(3600)
                @JsonPropertyDescription(
                        "Seconds the previous model keeps its pods after the track's Service moved"
                                + " to this model, so that requests still routed to them by"
                                + " endpoints and proxies are answered. Default: 30.")
                Integer scaleDownDelaySeconds,
        @Default("0.99")
                @Min(0.5)
                @Max(1)
                @JsonPropertyDescription(
                        "Precision the answered photos must reach: the server names a drug only"
                                + " when its calibrated confidence is at least the threshold chosen"
                                + " on the validation split for this precision, and answers"
                                + " not_sure otherwise. Default: 0.99.")
                Double answerPrecision,
        @JsonPropertyDescription(
                        "Scale the served model with its load: the operator keeps a"
                                + " HorizontalPodAutoscaler beside each model's Deployment, which"
                                + " owns its replicas between minReplicas and maxReplicas; a new"
                                + " model gets its own before traffic moves to it. Unset: a fixed"
                                + " count of spec.serving.replicas.")
                AutoscalingSpec autoscaling) {

    public static final double DEFAULT_ANSWER_PRECISION = 0.99;

    public ServingSpec {
        enabled = Objects.requireNonNullElse(enabled, false);
        replicas = Objects.requireNonNullElse(replicas, 1);
        track = Objects.requireNonNullElse(track, "pillsnap");
        cpu = Objects.requireNonNullElse(cpu, "2");
        memory = Objects.requireNonNullElse(memory, "2Gi");
        readyTimeoutSeconds = Objects.requireNonNullElse(readyTimeoutSeconds, 600);
        scaleDownDelaySeconds = Objects.requireNonNullElse(scaleDownDelaySeconds, 30);
        answerPrecision = Objects.requireNonNullElse(answerPrecision, DEFAULT_ANSWER_PRECISION);
    }

    public static ServingSpec defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The fewest pods the model runs with: minReplicas when autoscaled, otherwise the replicas. */
    public int minimumReplicas() {
        return autoscaling == null ? replicas : autoscaling.minReplicas();
    }

    /** Builds a serving spec by name; unset fields take their defaults. */
    public static final class Builder {
        private Boolean enabled;
        private Integer replicas;
        private String track;
        private String cpu;
        private String memory;
        private Integer readyTimeoutSeconds;
        private String apiKeySecret;
        private Integer scaleDownDelaySeconds;
        private Double answerPrecision;
        private AutoscalingSpec autoscaling;

        private Builder() {}

        public Builder enabled(Boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder replicas(Integer replicas) {
            this.replicas = replicas;
            return this;
        }

        public Builder track(String track) {
            this.track = track;
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

        public Builder readyTimeoutSeconds(Integer readyTimeoutSeconds) {
            this.readyTimeoutSeconds = readyTimeoutSeconds;
            return this;
        }

        public Builder apiKeySecret(String apiKeySecret) {
            this.apiKeySecret = apiKeySecret;
            return this;
        }

        public Builder scaleDownDelaySeconds(Integer scaleDownDelaySeconds) {
            this.scaleDownDelaySeconds = scaleDownDelaySeconds;
            return this;
        }

        public Builder answerPrecision(Double answerPrecision) {
            this.answerPrecision = answerPrecision;
            return this;
        }

        public Builder autoscaling(AutoscalingSpec autoscaling) {
            this.autoscaling = autoscaling;
            return this;
        }

        public ServingSpec build() {
            return new ServingSpec(
                    enabled,
                    replicas,
                    track,
                    cpu,
                    memory,
                    readyTimeoutSeconds,
                    apiKeySecret,
                    scaleDownDelaySeconds,
                    answerPrecision,
                    autoscaling);
        }
    }
}
