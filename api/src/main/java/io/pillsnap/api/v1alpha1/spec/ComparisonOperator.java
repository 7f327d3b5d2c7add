package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a criterion compares the measured value with its threshold. */
public enum ComparisonOperator {
    @JsonProperty(">=")
    AT_LEAST(">="),
    @JsonProperty(">")
    ABOVE(">"),
    @JsonProperty("<=")
    AT_MOST("<="),
    @JsonProperty("<")
    BELOW("<");

    private final String symbol;

    ComparisonOperator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean test(double actual, double threshold) {
        return switch (this) {
            case AT_LEAST -> actual >= threshold;
            case ABOVE -> actual > threshold;
            case AT_MOST -> actual <= threshold;
            case BELOW -> actual < threshold;
        };
    }
}
