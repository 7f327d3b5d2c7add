package io.pillsnap.trainer.classifier;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.data.Augmenter;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.Batch.Unaugmented;
import io.pillsnap.trainer.runtime.Tensors;

/**
 * The training augmentation of {@link Augmenter} done on the model's device for a whole batch, so
 * that a GPU's loader threads only read pictures: each input samples its picture bilinearly through
 * its drawn crop, rotation and flip (edges repeat the border pixels, as OpenCV's warp there), then
 * gets its colour jitter, all in float. The result is the same input as the loader's OpenCV path up
 * to OpenCV's fixed-point coordinates and its rounding to bytes between the steps.
 */
public final class DeviceAugmentation {

    private DeviceAugmentation() {}

    /** Inputs sampled at once: bounds the intermediates (about 60 MB per 384 px input). */
    private static final int CHUNK = 8;

    /**
     * The batch's inputs, {@code size} x {@code size}, as floats 0..255, NCHW, on the device, in
     * {@code scope}. The pictures cross to the device at once; the inputs are made {@value #CHUNK}
     * at a time and each chunk's intermediates are freed before the next, so that they neither grow
     * with the batch nor stay beside the forward pass's activations.
     */
    public static NDArray inputs(Batch batch, int size, Device device, NDManager scope) {
        Unaugmented pictures = batch.unaugmented();
        int count = batch.size();
        long slot = (long) pictures.height() * pictures.width();
        try (NDManager local = scope.newSubManager()) {
            NDArray rows = Tensors.owned(local, batch.pixels(), new Shape(count * slot, 3), device);
            NDList parts = new NDList();
            for (int from = 0; from < count; from += CHUNK) {
                try (NDManager chunk = local.newSubManager()) {
                    NDArray part =
                            sample(
                                    rows,
                                    pictures,
                                    from,
                                    Math.min(count, from + CHUNK),
                                    size,
                                    device,
                                    chunk);
                    part.attach(local);
                    parts.add(part);
                }
            }
            NDArray inputs = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts);
            inputs.attach(scope);
            return inputs;
        }
    }

    /**
     * Inputs {@code from} (inclusive) to {@code to} of the batch whose pictures are {@code rows}.
     */
    private static NDArray sample(
            NDArray rows,
            Unaugmented pictures,
            int from,
            int to,
            int size,
            Device device,
            NDManager scope) {
        int count = to - from;
        long slot = (long) pictures.height() * pictures.width();
        NDArray maps =
                Tensors.owned(
                        scope,
                        pictures.toSource(),
                        from * 6,
                        count * 6,
                        new Shape(count, 6),
                        device);
        float[] limits = new float[count * 2];
        for (int i = 0; i < count * 2; i++) {
            limits[i] = pictures.sizes()[from * 2 + i] - 1;
        }
        NDArray last = floats(scope, limits, new Shape(count, 2), device);
        NDArray u = scope.arange(0f, size).toDevice(device, false).reshape(1, 1, size);
        NDArray v = u.reshape(1, size, 1);
        NDArray x =
                coefficient(maps, 0, count)
                        .mul(u)
                        .add(coefficient(maps, 1, count).mul(v))
                        .add(coefficient(maps, 2, count));
        NDArray y =
                coefficient(maps, 3, count)
                        .mul(u)
                        .add(coefficient(maps, 4, count).mul(v))
                        .add(coefficient(maps, 5, count));
        NDArray x0 = x.floor();
        NDArray y0 = y.floor();
        long pixels = (long) size * size;
        NDArray fx = x.sub(x0).reshape(count * pixels, 1);
        NDArray fy = y.sub(y0).reshape(count * pixels, 1);
        NDArray lastX = coefficient(last, 0, count);
        NDArray lastY = coefficient(last, 1, count);
        // row of each picture's first pixel in the flattened batch, in 64-bit: a batch of large
        // pictures has more rows than a float counts exactly
        NDArray first =
                scope.arange(from, to, 1, DataType.INT64)
                        .toDevice(device, false)
                        .mul(slot)
                        .reshape(count, 1, 1);
        NDArray[] xs = {column(x0, lastX), column(x0.add(1), lastX)};
        NDArray[] ys = {
            column(y0, lastY).mul((long) pictures.width()).add(first),
            column(y0.add(1), lastY).mul((long) pictures.width()).add(first)
        };
        NDArray gx = fx.neg().add(1);
        NDArray gy = fy.neg().add(1);
        NDArray[] wx = {gx, fx};
        NDArray[] wy = {gy, fy};
        NDArray sampled = null;
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 2; i++) {
                NDArray index = ys[j].add(xs[i]).reshape(count * pixels);
                NDArray corner =
                        rows.get(index).toType(DataType.FLOAT32, false).mul(wx[i].mul(wy[j]));
                sampled = sampled == null ? corner : sampled.add(corner);
            }
        }
        NDArray jittered =
                jitter(sampled.reshape(count, pixels, 3), pictures, from, count, device, scope);
        return jittered.transpose(0, 2, 1).reshape(count, 3, size, size);
    }

    /**
     * Per input: out = C x + w * gray(mean x), clipped to 0..255, with C and w from its draw
     * ({@link Augmenter.Draw#colourMatrix}, {@link Augmenter.Draw#meanWeight}).
     */
    private static NDArray jitter(
            NDArray sampled,
            Unaugmented pictures,
            int from,
            int count,
            Device device,
            NDManager scope) {
        float[] colours = pictures.colours();
        float[] matrices = new float[count * 9];
        float[] weights = new float[count];
        for (int i = 0; i < count; i++) {
            int at = (from + i) * Unaugmented.COLOUR;
            System.arraycopy(colours, at, matrices, i * 9, 9);
            weights[i] = colours[at + 9];
        }
        NDArray colour = floats(scope, matrices, new Shape(count, 3, 3), device);
        NDArray gray = floats(scope, Augmenter.grayWeights(), new Shape(3, 1), device);
        NDArray meanGray = sampled.mean(new int[] {1}).matMul(gray); // count x 1
        NDArray offset =
                meanGray.mul(floats(scope, weights, new Shape(count, 1), device))
                        .reshape(count, 1, 1);
        return sampled.matMul(colour.transpose(0, 2, 1)).add(offset).clip(0f, 255f);
    }

    /** Column {@code k} of a count x k matrix, shaped to broadcast over an input's pixels. */
    private static NDArray coefficient(NDArray matrix, int k, int count) {
        return matrix.get(":, " + k).reshape(count, 1, 1);
    }

    /** Whole pixel positions clamped into 0..last (border pixels repeat), as 64-bit indices. */
    private static NDArray column(NDArray positions, NDArray last) {
        return positions.maximum(0f).minimum(last).toType(DataType.INT64, false);
    }

    private static NDArray floats(NDManager scope, float[] values, Shape shape, Device device) {
        return Tensors.owned(scope, values, 0, values.length, shape, device);
    }
}
