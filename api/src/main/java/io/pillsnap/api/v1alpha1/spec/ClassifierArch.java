package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The EfficientNetV2 family as published (Tan and Le, 2021). */
public enum ClassifierArch {
    @JsonProperty("efficientnetv2-s")
    EFFICIENTNETV2_S,
    @JsonProperty("efficientnetv2-m")
    EFFICIENTNETV2_M,
    @JsonProperty("efficientnetv2-l")
    EFFICIENTNETV2_L
}
