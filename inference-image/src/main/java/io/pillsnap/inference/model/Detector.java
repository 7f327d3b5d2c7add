package io.pillsnap.inference.model;

import io.pillsnap.api.detection.ComboPipeline;

/**
 * A loaded pill detector (runs from stage 3 on carry one): letterboxed photos in, its raw head out,
 * which the shared {@link ComboPipeline} decodes, suppresses and crops for the classifier. One
 * instance serves all request threads at once.
 */
public interface Detector extends ComboPipeline.Detector, AutoCloseable {

    /** The side of its square input. */
    int imageSize();

    @Override
    void close();
}
