package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.pillsnap.api.ApiConstants;

/** Where runs write their artifacts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactsSpec(
        @Pattern(ApiConstants.DNS_LABEL)
                @Size(max = 63)
                @JsonPropertyDescription(
                        "PersistentVolumeClaim (ReadWriteMany when serving several replicas) for"
                                + " checkpoints, reports and exported models. Runs write under"
                                + " <namespace>/<stage>/<run id>/. Default: the operator's"
                                + " artifacts claim.")
                String claimName) {

    public static ArtifactsSpec defaults() {
        return new ArtifactsSpec(null);
    }
}
