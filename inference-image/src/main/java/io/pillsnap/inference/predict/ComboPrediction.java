package io.pillsnap.inference.predict;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ArtifactManifest.Calibration;
import io.pillsnap.api.detection.Box;
import java.util.List;

/**
 * The answer of combination mode for one request's photos: every pill found in each, with the drugs
 * its crop most likely shows.
 *
 * @param calibration the temperature and answer threshold each pill was decided with
 * @param preprocessMs decoding of all photos
 * @param detectionMs the detector's ONNX Runtime calls, decoding and suppression of its boxes
 * @param classificationMs cropping and the classifier's calls
 */
public record ComboPrediction(
        ArtifactManifest manifest,
        Calibration calibration,
        List<PhotoResult> photos,
        double preprocessMs,
        double detectionMs,
        double classificationMs) {

    /** The pills of one photo, most confident detection first; empty when none is found. */
    public record PhotoResult(
            ImageUpload upload, String format, int width, int height, List<FoundPill> pills) {}

    /**
     * A detected pill.
     *
     * @param box in the photo's pixels
     * @param confidence the detector's
     * @param top the classifier's best drugs for the box's crop, most probable first
     * @param decision whether the first of {@code top} is named, by its calibrated probability
     */
    public record FoundPill(Box box, double confidence, List<RankedClass> top, Decision decision) {}
}
