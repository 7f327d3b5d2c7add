package io.pillsnap.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.Map;

/**
 * A task's network with its tensors, as the engine checkpoints, resumes and averages it.
 *
 * @param <N> the network
 */
public interface TrainableModel<N extends Block> extends AutoCloseable {

    ModelTensors<N> tensors();

    default N network() {
        return tensors().network();
    }

    /** The side of the square pictures it takes. */
    default int imageSize() {
        return tensors().imageSize();
    }

    default NDManager manager() {
        return tensors().manager();
    }

    default Device device() {
        return tensors().device();
    }

    /** Every tensor by reference name, running statistics included. */
    default Map<String, Parameter> parameters() {
        return tensors().parameters();
    }

    default Map<String, Parameter> trainable() {
        return tensors().trainable();
    }

    /**
     * Gradients a checkpoint saved between two optimizer steps, added to the next ones; only a task
     * that accumulates gradients over batches saves them.
     */
    default void restorePendingGradients(Map<String, NDArray> gradients) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " does not accumulate gradients over batches");
    }

    @Override
    default void close() {
        tensors().close();
    }
}
