package io.pillsnap.inference.predict;

import io.pillsnap.api.artifact.ArtifactManifest;
import java.util.List;

/**
 * The answer for one request's images, with the model that gave it.
 *
 * @param preprocessMs decoding and tensor preparation of all images
 * @param inferenceMs the ONNX Runtime call for the whole batch
 */
public record Prediction(
        ArtifactManifest manifest,
        List<ImageResult> images,
        double preprocessMs,
        double inferenceMs) {

    /** One picture's top classes, most probable first. */
    public record ImageResult(
            ImageUpload upload,
            String format,
            int width,
            int height,
            double preprocessMs,
            List<RankedClass> top) {}
}
