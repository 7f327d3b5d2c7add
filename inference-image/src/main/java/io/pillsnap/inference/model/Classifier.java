package io.pillsnap.inference.model;

import java.util.List;

/**
 * A loaded classifier: preprocessed images in, the most probable classes out, with probabilities
 * calibrated by the run's temperature. One instance serves all request threads at once.
 */
public interface Classifier extends AutoCloseable {

    /**
     * The top {@code topK} classes of each image, most probable first, with their calibrated
     * probabilities {@code softmax(logits / temperature)}.
     *
     * @param batch {@code images} CHW tensors of the manifest's preprocessing, end to end
     */
    List<List<ClassScore>> classify(float[] batch, int images, int topK);

    /** The raw logits, row-major [images, classes], as the exported model answers them. */
    float[] logits(float[] batch, int images);

    /**
     * The logits divided by the temperature, row-major [images, classes]: their softmax is the
     * calibrated probability (the combination pipeline ranks crops from them).
     */
    float[] calibratedLogits(float[] batch, int images);

    int classCount();

    @Override
    void close();
}
