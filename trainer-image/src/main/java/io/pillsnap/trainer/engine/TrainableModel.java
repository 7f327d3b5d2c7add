package io.pillsnap.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.Map;

/** A task's network with its tensors, as the engine checkpoints, resumes and averages it. */
public interface TrainableModel extends AutoCloseable {

    ModelTensors tensors();

    /** The side of the square pictures it takes. */
    int imageSize();

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
