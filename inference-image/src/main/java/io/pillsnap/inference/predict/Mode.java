package io.pillsnap.inference.predict;

import java.util.Locale;

/**
 * How a photo is read: {@code single} classifies the whole picture as one pill; {@code combo}
 * detects the pills, crops each and classifies the crops (runs with a detector, stage 3 on).
 */
public enum Mode {
    SINGLE,
    COMBO;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
