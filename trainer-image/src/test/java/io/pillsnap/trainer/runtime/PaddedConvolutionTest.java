package io.pillsnap.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's blocked convolution kernels (16 channels a block with AVX-512, 8 with AVX2) pad a layer
 * of fewer output channels, and the oneDNN of libtorch 2.7.1 reads padding of the input gradient's
 * buffers that nothing wrote: whatever an earlier allocation left there, times zero, is NaN when
 * that was NaN. Memory full of NaN is freed just before each backward pass here, so the pass gets
 * it back; with libtorch's allocations zero-filled ({@link NativeDefaults}) the gradients stay
 * finite. Without that, on an AVX-512 CPU with the full instruction set (surefire's default here),
 * the input gradient of this 16 -> 8 channel convolution was NaN in every repetition.
 */
class PaddedConvolutionTest {

    @Test
    void aConvolutionOfFewerChannelsThanABlockHasFiniteGradientsOnReusedMemory() {
        NativeDefaults.loadLibtorch();
        Engine.getInstance().setRandomSeed(7);
        int nonFinite = 0;
        int repetitions = 20;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            for (int r = 0; r < repetitions; r++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.randomNormal(new Shape(4, 16, 16, 16));
                    x.setRequiresGradient(true);
                    NDArray w = step.randomUniform(-0.2f, 0.2f, new Shape(8, 16, 3, 3));
                    w.setRequiresGradient(true);
                    freeMemoryFullOfNan(step);
                    try (GradientCollector collector =
                            Engine.getInstance().newGradientCollector()) {
                        NDArray y =
                                Conv2d.conv2d(
                                                x,
                                                w,
                                                null,
                                                new Shape(1, 1),
                                                new Shape(1, 1),
                                                new Shape(1, 1),
                                                1)
                                        .singletonOrThrow();
                        collector.backward(y.mul(step.randomNormal(y.getShape())).sum());
                    }
                    boolean finite =
                            !x.getGradient().isNaN().any().getBoolean()
                                    && !x.getGradient().isInfinite().any().getBoolean()
                                    && !w.getGradient().isNaN().any().getBoolean();
                    if (!finite) {
                        nonFinite++;
                    }
                }
            }
        }
        assertThat(nonFinite).as("repetitions with non-finite gradients").isZero();
    }

    /** Buffers of the sizes the padded convolution asks for, filled with NaN and freed. */
    private static void freeMemoryFullOfNan(NDManager parent) {
        try (NDManager scratch = parent.newSubManager()) {
            List<NDArray> kept = new ArrayList<>();
            for (long floats : new long[] {16 * 16 * 9, 4 * 16 * 16 * 16, 4 * 16 * 18 * 18}) {
                for (int i = 0; i < 4; i++) {
                    kept.add(scratch.full(new Shape(floats), Float.NaN));
                }
            }
            assertThat(kept.get(0).isNaN().all().getBoolean()).isTrue();
        }
    }
}
