package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Optimisers the trainer offers. */
public enum Optimizer {
    @JsonProperty("adamw")
    ADAMW,
    @JsonProperty("sgd")
    SGD
}
