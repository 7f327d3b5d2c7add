package io.pillsnap.trainer.weights;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor of a weight file: values as float32 in C order, whatever the file stored; {@code
 * dtype} keeps the stored type in safetensors spelling ("F32", "F16", "BF16", "F64", "I64", "I32").
 * {@code values()} is the array itself, not a copy: a tensor can hold hundreds of megabytes.
 */
public record WeightTensor(String dtype, long[] shape, float[] values) {

    public WeightTensor {
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        if (elementCount(shape) != values.length) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " needs "
                            + elementCount(shape)
                            + " values, got "
                            + values.length);
        }
    }

    /** Number of elements, the product of the shape (1 for a scalar). */
    public long size() {
        return values.length;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WeightTensor that
                && dtype.equals(that.dtype)
                && Arrays.equals(shape, that.shape)
                && Arrays.equals(values, that.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(values));
    }

    /** Type and shape only: a tensor can hold millions of values. */
    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }

    static long elementCount(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }
}
