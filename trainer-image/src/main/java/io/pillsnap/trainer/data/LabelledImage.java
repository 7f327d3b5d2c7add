package io.pillsnap.trainer.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A picture found in the dataset with its label.
 *
 * @param kCode the drug of a single-pill picture; the first drug of a combination
 * @param boxes pills with their boxes; one for a single-pill picture
 */
public record LabelledImage(
        Path image,
        Path label,
        String kCode,
        AihubLabel.ImageInfo drug,
        boolean combination,
        List<Box> boxes) {

    /** A pill's box in pixels (x, y, width, height) and its drug. */
    public record Box(double x, double y, double width, double height, String kCode) {}
}
