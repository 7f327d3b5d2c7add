package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Metrics a success criterion can test; the key is the name in specs, results and status. */
public enum Metric {
    TOP1("top1", true, Better.HIGHER),
    TOP5("top5", true, Better.HIGHER),
    MACRO_F1("macroF1", true, Better.HIGHER),
    MAP50("mAP50", true, Better.HIGHER),
    MAP50_95("mAP50-95", true, Better.HIGHER),
    /**
     * The two-stage pipeline on held-out combination photos: the share of true pills that are
     * detected (IoU >= 0.5) and named correctly at top-1.
     */
    PIPELINE_TOP1("pipelineTop1", true, Better.HIGHER),
    /**
     * Expected calibration error of the calibrated classifier (15 equal-width bins of top-1
     * confidence): how far its confidence is from its accuracy.
     */
    ECE("ece", true, Better.LOWER),
    /** Share of the photos the classifier answers at the stage's spec.serving.answerPrecision. */
    COVERAGE("coverage", true, Better.HIGHER),
    /** Precision of the photos the classifier answers (the others are answered "not sure"). */
    ANSWERED_PRECISION("answeredPrecision", true, Better.HIGHER),
    /** Share of the photos of drugs outside the stage's classes that are answered "not sure". */
    UNKNOWN_REJECTION("unknownRejection", true, Better.HIGHER),
    /** The lowest recall of any class: an average can hide a drug that is never recognised. */
    WORST_CLASS_RECALL("worstClassRecall", true, Better.HIGHER),
    LATENCY_P95_MS("latencyP95Ms", false, Better.LOWER),
    THROUGHPUT("throughput", false, Better.HIGHER);

    private enum Better {
        HIGHER,
        LOWER
    }

    private final String key;
    private final boolean fraction;
    private final Better better;

    Metric(String key, boolean fraction, Better better) {
        this.key = key;
        this.fraction = fraction;
        this.better = better;
    }

    @JsonValue
    public String key() {
        return key;
    }

    /** Quality metrics are fractions in [0, 1]; latency (ms) and throughput (images/s) are not. */
    public boolean isFraction() {
        return fraction;
    }

    /** An error or a cost (ece, latencyP95Ms): a model is better the lower it is. */
    public boolean lowerIsBetter() {
        return better == Better.LOWER;
    }

    /**
     * The comparison of a criterion that names none: at most the threshold where lower is better,
     * at least the threshold otherwise.
     */
    public ComparisonOperator defaultOperator() {
        return lowerIsBetter() ? ComparisonOperator.AT_MOST : ComparisonOperator.AT_LEAST;
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

    /** Metrics a stage that trains a classifier produces, whether or not it trains a detector. */
    public boolean isClassification() {
        return !isDetection() && !needsBothTasks();
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
