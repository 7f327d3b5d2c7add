package io.pillsnap.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A block of our networks: one array in, one array out, its tensors named as in the reference
 * implementation's state dict. Subclasses write the forward pass on arrays ({@link #apply}) and the
 * shape it gives ({@link #outputShape}); DJL's list-based plumbing is here once.
 */
public abstract class UnaryBlock extends AbstractBlock {

    /** The forward pass of {@code x}, with {@code pass} running the children. */
    protected abstract NDArray apply(NDArray x, Pass pass);

    /** The output shape for an input shape. */
    public abstract Shape outputShape(Shape input);

    /**
     * Adds every tensor under its state-dict name, {@code prefix} first, in the reference's order.
     */
    public abstract void collect(String prefix, Map<String, Parameter> names);

    /** Every tensor under its state-dict name, in the reference's order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> names = new LinkedHashMap<>();
        collect("", names);
        return names;
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        return new NDList(
                apply(inputs.singletonOrThrow(), new Pass(parameterStore, training, params)));
    }

    @Override
    public final Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {outputShape(inputShapes[0])};
    }

    /** A trained parameter, drawn by {@code initializer} when the block is initialised. */
    protected final Parameter addParameter(
            String name, Parameter.Type type, Shape shape, Initializer initializer) {
        return addParameter(parameter(name, type, shape, initializer).build());
    }

    /** A parameter that training leaves alone: running statistics, fixed weights. */
    protected final Parameter addFixedParameter(
            String name, Parameter.Type type, Shape shape, Initializer initializer) {
        return addParameter(
                parameter(name, type, shape, initializer).optRequiresGrad(false).build());
    }

    private static Parameter.Builder parameter(
            String name, Parameter.Type type, Shape shape, Initializer initializer) {
        return Parameter.builder()
                .setName(name)
                .setType(type)
                .optShape(shape)
                .optInitializer(initializer);
    }

    /**
     * Initialises the children as a chain: in the order they were added, each for the output shape
     * of the one before. A block whose data flows otherwise overrides this.
     */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, shapes);
            shapes = child.getOutputShapes(shapes);
        }
    }

    /** The output shape of a chain of blocks. */
    protected static Shape chainOutputShape(List<? extends Block> chain, Shape input) {
        Shape[] shapes = {input};
        for (Block block : chain) {
            shapes = block.getOutputShapes(shapes);
        }
        return shapes[0];
    }

    /** One forward pass: runs children in it and reads parameters on the input's device. */
    public static class Pass {

        private final ParameterStore parameterStore;
        private final boolean training;
        private final PairList<String, Object> params;

        public Pass(
                ParameterStore parameterStore, boolean training, PairList<String, Object> params) {
            this.parameterStore = parameterStore;
            this.training = training;
            this.params = params;
        }

        public NDArray run(Block child, NDArray x) {
            return child.forward(parameterStore, new NDList(x), training, params)
                    .singletonOrThrow();
        }

        /** Runs {@code chain} one block after the other. */
        public NDArray runChain(List<? extends Block> chain, NDArray x) {
            NDArray y = x;
            for (Block block : chain) {
                y = run(block, y);
            }
            return y;
        }

        /** The parameter's value in this pass, on the device of {@code x}. */
        public NDArray value(Parameter parameter, NDArray x) {
            return parameterStore.getValue(parameter, x.getDevice(), training);
        }

        public boolean training() {
            return training;
        }
    }
}
