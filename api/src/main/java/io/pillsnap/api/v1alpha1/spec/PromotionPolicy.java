package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a passed gate promotes at once or waits for a person. */
public enum PromotionPolicy {
    @JsonProperty("Automatic")
    AUTOMATIC,
    @JsonProperty("Manual")
    MANUAL
}
