package io.pillsnap.trainer.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.pillsnap.trainer.runtime.Tensors;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An initialised network on its device with its tensors: every parameter by its reference name
 * (running statistics included), the trainable ones among them, and the NDManager that owns them.
 *
 * @param <N> the network
 */
public final class ModelTensors<N extends Block> implements AutoCloseable {

    private final N network;
    private final int imageSize;
    private final NDManager manager;
    private final Device device;
    private final Map<String, Parameter> parameters;
    private final Map<String, Parameter> trainable;

    /**
     * @param imageSize the side of the square pictures it takes
     * @param parameters the network's tensors by reference name, in its order
     */
    public ModelTensors(
            N network,
            int imageSize,
            NDManager manager,
            Device device,
            Map<String, Parameter> parameters) {
        this.network = network;
        this.imageSize = imageSize;
        this.manager = manager;
        this.device = device;
        this.parameters = parameters;
        Map<String, Parameter> learned = new LinkedHashMap<>();
        parameters.forEach(
                (name, parameter) -> {
                    if (parameter.requiresGradient()) {
                        learned.put(name, parameter);
                    }
                });
        this.trainable = Collections.unmodifiableMap(learned);
    }

    public N network() {
        return network;
    }

    public int imageSize() {
        return imageSize;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return device;
    }

    /** Every tensor by reference name, running statistics included. */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /** The tensors the optimizer updates, in the parameters' order. */
    public Map<String, Parameter> trainable() {
        return trainable;
    }

    /** The global L2 norm of the trainable tensors' gradients. */
    public double gradientNorm() {
        return Tensors.gradientNorm(trainable.values(), manager);
    }

    @Override
    public void close() {
        manager.close();
    }
}
