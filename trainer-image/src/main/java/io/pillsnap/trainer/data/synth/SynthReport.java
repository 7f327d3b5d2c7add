package io.pillsnap.trainer.data.synth;

import java.util.Locale;

/** What a generation run wrote and how long it took. */
public record SynthReport(
        int classes, int singleImages, int combinationImages, long bytes, double seconds) {

    public int images() {
        return singleImages + combinationImages;
    }

    public double imagesPerSecond() {
        return seconds > 0 ? images() / seconds : 0;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%d classes, %d single and %d combination images, %.1f MB in %.1f s (%.1f images/s)",
                classes,
                singleImages,
                combinationImages,
                bytes / 1e6,
                seconds,
                imagesPerSecond());
    }
}
