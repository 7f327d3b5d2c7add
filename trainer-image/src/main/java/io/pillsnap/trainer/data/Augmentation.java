package io.pillsnap.trainer.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Training augmentation strengths: random resized crop (area fraction and aspect ratio), rotation,
 * horizontal flip, and colour jitter (brightness, contrast, saturation).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Augmentation(
        double minCropArea,
        double maxAspectRatio,
        double rotationDegrees,
        double flipProbability,
        double brightness,
        double contrast,
        double saturation) {

    public static Augmentation defaults() {
        return new Augmentation(0.5, 4.0 / 3.0, 15, 0.5, 0.2, 0.2, 0.2);
    }
}
