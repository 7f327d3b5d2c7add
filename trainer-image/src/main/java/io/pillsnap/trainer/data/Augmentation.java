package io.pillsnap.trainer.data;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Training augmentation strengths: random resized crop (area fraction and aspect ratio), rotation,
 * horizontal flip, and colour jitter (brightness, contrast, saturation); and where it is done.
 *
 * @param placement {@code loader}: by the loader's threads (OpenCV); {@code device}: on the model's
 *     device, the loader threads only read pictures; {@code auto} (or absent): on the device beside
 *     a GPU, by the loader on the CPU
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Augmentation(
        double minCropArea,
        double maxAspectRatio,
        double rotationDegrees,
        double flipProbability,
        double brightness,
        double contrast,
        double saturation,
        String placement) {

    public static final List<String> PLACEMENTS = List.of("auto", "loader", "device");

    public static Augmentation defaults() {
        return new Augmentation(0.5, 4.0 / 3.0, 15, 0.5, 0.2, 0.2, 0.2, null);
    }

    /** Whether the model's device augments, for a model on a GPU or not. */
    public boolean onDevice(boolean gpu) {
        return placement == null || placement.equals("auto") ? gpu : placement.equals("device");
    }
}
