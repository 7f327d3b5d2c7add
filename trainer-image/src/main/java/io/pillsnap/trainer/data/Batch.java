package io.pillsnap.trainer.data;

/**
 * A batch and where it sits in its epoch: class indices and the pictures, either as the model's
 * input (NCHW floats, normalised) or as the pictures' bytes (NCHW, RGB planes, a quarter of the
 * size), which the model normalises on its device.
 *
 * @param images normalised inputs, or null when {@code pixels} holds the batch
 * @param pixels RGB planes, {@code size * 3 * imageSize * imageSize} bytes, or null
 */
public record Batch(int index, float[] images, byte[] pixels, long[] labels, int size) {

    /** A batch of normalised inputs. */
    public Batch(int index, float[] images, long[] labels, int size) {
        this(index, images, null, labels, size);
    }
}
