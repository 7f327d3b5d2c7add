package io.pillsnap.trainer.data.synth;

import java.util.Locale;

/**
 * What a generation run wrote and how long it took.
 *
 * @param singleImages single-pill photos, those of unknown drugs included
 * @param combinationImages combination photos, those with pills of unknown drugs included
 * @param unknownDrugs drugs written only to val/, beside the {@code classes} known ones
 * @param unknownImages the photos (single and combination) showing an unknown drug
 */
public record SynthReport(
        int classes,
        int singleImages,
        int combinationImages,
        int unknownDrugs,
        int unknownImages,
        long bytes,
        double seconds) {

    public int images() {
        return singleImages + combinationImages;
    }

    public double imagesPerSecond() {
        return seconds > 0 ? images() / seconds : 0;
    }

    @Override
    public String toString() {
        String unknown =
                unknownDrugs == 0
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                " (%d of them of %d unknown drugs, val/ only)",
                                unknownImages,
                                unknownDrugs);
        return String.format(
                Locale.ROOT,
                "%d classes, %d single and %d combination images%s, %.1f MB in %.1f s (%.1f"
                        + " images/s)",
                classes,
                singleImages,
                combinationImages,
                unknown,
                bytes / 1e6,
                seconds,
                imagesPerSecond());
    }
}
