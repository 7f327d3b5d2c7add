package io.pillsnap.trainer.calibration;

/**
 * A fitted temperature and the mean negative log-likelihood of the fitting set's labels before
 * (temperature 1, the raw softmax) and after.
 */
public record TemperatureFit(double temperature, double nllBefore, double nllAfter) {}
