package io.pillsnap.trainer.weights;

import java.util.Map;

/**
 * An instance a pickle describes, kept as data: its class's dotted name and the state BUILD gave it
 * (for a torch.nn.Module, its {@code __dict__}). Nothing of the class is looked up or run, and the
 * arguments it was created with are not kept: no module of a model needs them.
 */
final class PickledObject {

    private final String type;
    private Object state;

    PickledObject(String type) {
        this.type = type;
    }

    /** The class as pickle names it, e.g. {@code ultralytics.nn.tasks.DetectionModel}. */
    String type() {
        return type;
    }

    /**
     * BUILD's argument: the attribute dict, or Python's {@code (dict, slots)} pair for a class with
     * slots.
     */
    void setState(Object state) {
        this.state = state;
    }

    /** The attributes BUILD set, by name; empty when it set none. */
    Map<?, ?> attributes() {
        if (state instanceof Map<?, ?> dict) {
            return dict;
        }
        if (state instanceof Object[] pair
                && pair.length == 2
                && pair[0] instanceof Map<?, ?> dict) {
            return dict;
        }
        return Map.of();
    }

    /** Whether it is a torch.nn.Module: it has the dicts of parameters, buffers and children. */
    boolean isModule() {
        Map<?, ?> attributes = attributes();
        return attributes.get("_parameters") instanceof Map
                && attributes.get("_buffers") instanceof Map
                && attributes.get("_modules") instanceof Map;
    }

    @Override
    public String toString() {
        return type + " object";
    }
}
