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
                @JsonPropertyDescription("Inference server replicas. Default: 1.")
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
                Double answerPrecision) {

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
        return new ServingSpec(null, null, null, null, null, null, null, null, null);
    }
}
