package io.pillsnap.trainer.data;

import io.pillsnap.api.detection.Box;
import java.nio.file.Path;

/**
 * A training, validation or test picture and its class index ({@link #UNKNOWN} for a test photo of
 * a drug outside the classes).
 *
 * @param pill for a pill of a combination photo, its box in the photo's pixels: the picture is the
 *     padded square crop around it, cut as the two-stage pipeline cuts it; null for the whole
 *     picture
 */
public record Sample(Path image, int label, Box pill) {

    /** The label of a test photo whose drug is none of the stage's classes. */
    public static final int UNKNOWN = -1;

    public Sample(Path image, int label) {
        this(image, label, null);
    }
}
