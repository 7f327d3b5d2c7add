package io.pillsnap.inference.predict;

import io.pillsnap.api.artifact.ArtifactManifest.Calibration;
import java.util.Locale;

/**
 * Whether an answer names a drug: {@code identified} when the calibrated top-1 confidence reaches
 * the run's answer threshold, {@code not_sure} below it (the top guesses are still given).
 */
public enum Decision {
    IDENTIFIED,
    NOT_SURE;

    public static Decision of(Calibration calibration, double topConfidence) {
        return calibration.answers(topConfidence) ? IDENTIFIED : NOT_SURE;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
