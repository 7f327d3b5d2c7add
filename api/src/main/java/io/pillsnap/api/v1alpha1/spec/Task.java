package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a stage trains. */
public enum Task {
    @JsonProperty("classification")
    CLASSIFICATION,
    @JsonProperty("detection")
    DETECTION
}
