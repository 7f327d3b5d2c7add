package io.pillsnap.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** Functions the blocks are made of: SiLU, global average pooling and stochastic depth. */
public final class Layers {

    private Layers() {}

    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** Mean over H and W (the PyTorch engine reduces one axis at a time). */
    public static NDArray globalAveragePool(NDArray x, boolean keepDims) {
        return x.mean(new int[] {3}, keepDims).mean(new int[] {2}, keepDims);
    }

    /**
     * Stochastic depth: while training, drops the whole residual branch of a random subset of the
     * batch and rescales the rest, so that the expectation is unchanged.
     */
    public static NDArray dropPath(NDArray branch, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return branch;
        }
        float keep = 1f - rate;
        NDArray mask =
                branch.getManager()
                        .randomUniform(0f, 1f, new Shape(branch.getShape().get(0), 1, 1, 1))
                        .lt(keep)
                        .toType(branch.getDataType(), false)
                        .div(keep);
        return branch.mul(mask);
    }
}
