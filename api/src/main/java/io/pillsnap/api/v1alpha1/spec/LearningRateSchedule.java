package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Learning-rate schedules; each starts with a linear warmup. */
public enum LearningRateSchedule {
    @JsonProperty("cosine")
    COSINE,
    @JsonProperty("constant")
    CONSTANT
}
