package io.pillsnap.trainer.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Collection;

/** Tensor helpers the training steps of both models share. */
public final class Tensors {

    private Tensors() {}

    /**
     * A tensor on {@code device} that libtorch owns, holding a copy of {@code length} floats of
     * {@code data} from {@code offset}. DJL's create() lends the tensor a direct buffer that only
     * the Java side keeps alive, and a backward pass reads its inputs and targets long after.
     */
    public static NDArray owned(
            NDManager scope, float[] data, int offset, int length, Shape shape, Device device) {
        return owned(scope.create(FloatBuffer.wrap(data, offset, length), shape), device);
    }

    /** As above for bytes: the first {@code shape.size()} of {@code data}, as uint8. */
    public static NDArray owned(NDManager scope, byte[] data, Shape shape, Device device) {
        return owned(
                scope.create(
                        ByteBuffer.wrap(data, 0, Math.toIntExact(shape.size())),
                        shape,
                        DataType.UINT8),
                device);
    }

    /** A copy on {@code device} of a tensor that borrows Java memory; the borrower is closed. */
    private static NDArray owned(NDArray borrowed, Device device) {
        NDArray owned = device.isGpu() ? borrowed.toDevice(device, true) : borrowed.duplicate();
        Reference.reachabilityFence(borrowed);
        borrowed.close();
        return owned;
    }

    /** As above, all of {@code data} on the scope's device. */
    public static NDArray owned(NDManager scope, float[] data, Shape shape) {
        return owned(scope, data, 0, data.length, shape, scope.getDevice());
    }

    /**
     * A scalar that libtorch owns, on {@code like}'s manager and device, for arithmetic in a
     * training step. DJL's {@code x.mul(2f)} makes its scalar tensor from a Java buffer and frees
     * it as soon as the product is computed, while autograd keeps that tensor for the backward
     * pass: the gradient then reads freed memory (results that differ from run to run, now and then
     * NaN). Multiply, divide and compare by these instead.
     */
    public static NDArray scalar(NDArray like, double value) {
        return owned(
                like.getManager(),
                new float[] {(float) value},
                0,
                1,
                new Shape(),
                like.getDevice());
    }

    /**
     * Overwrites {@code target}'s values in place with {@code source}'s: the tensor keeps its own
     * memory. Never set(float[]) on a model's or an optimizer's tensors: that points them at a Java
     * buffer which only the wrapper object keeps alive.
     */
    public static void copyInto(NDArray target, NDArray source) {
        // through a detached view of the same memory: autograd refuses in-place writes to a
        // weight that requires gradients whenever gradient recording is on
        try (NDArray view = target.stopGradient()) {
            view.set(new ai.djl.ndarray.index.NDIndex("..."), source);
        }
    }

    /**
     * The global L2 norm of the parameters' gradients (for clipping and as a sanity check), summed
     * on the device; its temporaries are freed before it returns.
     */
    public static double gradientNorm(Collection<Parameter> parameters, NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray total = null;
            for (Parameter parameter : parameters) {
                NDArray gradient = parameter.getArray().getGradient();
                gradient.attach(scratch);
                NDArray squares = gradient.square().sum();
                total = total == null ? squares : total.add(squares);
            }
            return total == null ? 0 : Math.sqrt(total.getFloat());
        }
    }
}
