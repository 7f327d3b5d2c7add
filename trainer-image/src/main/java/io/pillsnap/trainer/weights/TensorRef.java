package io.pillsnap.trainer.weights;

import java.nio.ByteBuffer;

/** A tensor as {@code _rebuild_tensor_v2} describes it: a strided view of a storage. */
record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {

    long elementCount() {
        return WeightTensor.elementCount(shape);
    }

    /** The highest storage element the view reads, or -1 for an empty tensor. */
    long lastElement() {
        if (elementCount() == 0) {
            return -1;
        }
        // exact: a damaged pickle can claim strides that overflow
        long last = offset;
        for (int d = 0; d < shape.length; d++) {
            last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
        }
        return last;
    }

    /** Values in C order; a non-contiguous view (a transpose, a slice) is gathered by stride. */
    float[] gather(ByteBuffer data) {
        float[] values = new float[(int) elementCount()];
        if (values.length == 0) {
            return values;
        }
        if (isContiguous()) {
            storage.dtype().readContiguous(data, (int) offset, values);
            return values;
        }
        long[] index = new long[shape.length];
        long at = offset;
        for (int i = 0; i < values.length; i++) {
            values[i] = storage.dtype().read(data, (int) at);
            // odometer over the shape, last dimension fastest
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    at += stride[d];
                    break;
                }
                at -= (shape[d] - 1) * stride[d];
                index[d] = 0;
            }
        }
        return values;
    }

    private boolean isContiguous() {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }
}
