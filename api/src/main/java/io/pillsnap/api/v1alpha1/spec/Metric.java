package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Metrics a success criterion can test; the key is the name in specs, results and status. */
public enum Metric {
    TOP1("top1", true),
    TOP5("top5", true),
    MACRO_F1("macroF1", true),
    MAP50("mAP50", true),
    MAP50_95("mAP50-95", true),
    /**
     * The two-stage pipeline on held-out combination photos: the share of true pills that are
     * detected (IoU >= 0.5) and named correctly at top-1.
     */
    PIPELINE_TOP1("pipelineTop1", true),
    LATENCY_P95_MS("latencyP95Ms", false),
    THROUGHPUT("throughput", false);

    private final String key;
    private final boolean fraction;

    Metric(String key, boolean fraction) {
        this.key = key;
        this.fraction = fraction;
    }

    @JsonValue
    public String key() {
        return key;
    }

    /** Quality metrics are fractions in [0, 1]; latency (ms) and throughput (images/s) are not. */
    public boolean isFraction() {
        return fraction;
    }

    /**
     * Latency and throughput are measured on the run, not on a set of images: they are the same
     * whichever set a criterion reads.
     */
    public boolean isRunLevel() {
        return this == LATENCY_P95_MS || this == THROUGHPUT;
    }

    /** Metrics only a stage that trains a detector can produce. */
    public boolean isDetection() {
        return this == MAP50 || this == MAP50_95;
    }

    /** Metrics only a stage that trains both the classifier and the detector can produce. */
    public boolean needsBothTasks() {
        return this == PIPELINE_TOP1;
    }

    @JsonCreator
    public static Metric fromKey(String key) {
        return byKey(key)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown metric '"
                                                + key
                                                + "', expected one of "
                                                + Arrays.stream(values())
                                                        .map(Metric::key)
                                                        .toList()));
    }

    public static Optional<Metric> byKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }
}
