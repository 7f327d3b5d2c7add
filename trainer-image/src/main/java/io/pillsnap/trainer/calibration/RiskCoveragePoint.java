package io.pillsnap.trainer.calibration;

/**
 * One point of the risk-coverage curve: answering every photo with confidence {@code >= threshold}
 * covers {@code coverage} of the set and is wrong on {@code risk} of the answered.
 */
public record RiskCoveragePoint(double threshold, double coverage, double risk) {}
