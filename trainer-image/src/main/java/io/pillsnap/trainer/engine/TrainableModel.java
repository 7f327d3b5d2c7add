package io.pillsnap.trainer.engine;

import ai.djl.Device;
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

    @Override
    default void close() {
        tensors().close();
    }
}
