package io.pillsnap.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The tensor helpers the training steps rely on. */
class TensorsTest {

    @Test
    void copyIntoOverwritesAWeightInPlaceWhileGradientsAreRecorded() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1, 2, 3});
            weight.setRequiresGradient(true);
            NDArray values = manager.create(new float[] {7, 8, 9});
            // gradient recording on: a plain in-place write to a leaf that requires gradients
            // is refused by autograd ("a leaf Variable that requires grad ...")
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                Tensors.copyInto(weight, values);
            }
            assertThat(weight.toFloatArray()).containsExactly(7, 8, 9);
            assertThat(weight.hasGradient()).isTrue();
        }
    }

    @Test
    void aScalarIsOwnedByLibtorchAndBroadcasts() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1, 2}, new Shape(2));
            NDArray two = Tensors.scalar(x, 2);
            assertThat(two.getShape()).isEqualTo(new Shape());
            assertThat(x.mul(two).toFloatArray()).containsExactly(2, 4);
        }
    }
}
