package io.pillsnap.inference.predict;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ArtifactManifest.Calibration;
import java.util.List;

/**
 * The answer for one request's images, with the model that gave it.
 *
 * @param calibration the temperature and answer threshold the answer was given with
 * @param preprocessMs decoding and tensor preparation of all images
 * @param inferenceMs the ONNX Runtime call for the whole batch
 */
public record Prediction(
        ArtifactManifest manifest,
        Calibration calibration,
        List<ImageResult> images,
        double preprocessMs,
        double inferenceMs) {

    /** One picture's top classes, most probable first, and whether the first is named. */
    public record ImageResult(
            ImageUpload upload,
            String format,
            int width,
            int height,
            double preprocessMs,
            List<RankedClass> top,
            Decision decision) {}
}
