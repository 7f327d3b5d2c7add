package io.pillsnap.trainer.data;

import io.pillsnap.api.detection.Box;
import java.nio.file.Path;

/**
 * A training or validation picture and its class index.
 *
 * @param pill for a pill of a combination photo, its box in the photo's pixels: the picture is the
 *     padded square crop around it, cut as the two-stage pipeline cuts it; null for the whole
 *     picture
 */
public record Sample(Path image, int label, Box pill) {

    public Sample(Path image, int label) {
        this(image, label, null);
    }
}
