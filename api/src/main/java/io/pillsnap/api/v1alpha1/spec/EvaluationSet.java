package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Held-out images a quality metric was measured on. The validation split chose the checkpoint and
 * stopped training, so its metrics are optimistic; the test set (the dataset's own val/ folder) is
 * evaluated once, at the end, and never influences training.
 */
public enum EvaluationSet {
    @JsonProperty("test")
    TEST("test"),
    @JsonProperty("validation")
    VALIDATION("validation");

    private final String key;

    EvaluationSet(String key) {
        this.key = key;
    }

    /** The name in specs and status: test or validation. */
    public String key() {
        return key;
    }

    /** For messages: "the test set", "the validation set". */
    public String description() {
        return "the " + key + " set";
    }
}
