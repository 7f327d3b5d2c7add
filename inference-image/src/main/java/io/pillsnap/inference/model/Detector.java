package io.pillsnap.inference.model;

import io.pillsnap.api.artifact.RgbImage;
import java.util.List;

/**
 * Finds the pills in a photo for combination mode (detect, crop each box, classify the crops). Runs
 * from stage 3 on carry a detector model; this server does not run one yet, so no class implements
 * this and combination requests are refused with the reason.
 */
public interface Detector extends AutoCloseable {

    List<Detection> detect(RgbImage image, double confidenceThreshold);

    @Override
    void close();

    /** A box in the photo's pixel coordinates. */
    record Detection(int x1, int y1, int x2, int y2, double confidence) {}
}
