package io.pillsnap.trainer.weights;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.pillsnap.trainer.config.ConfigException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A weight file's tensors checked against a model's by state-dict name and shape, before any is
 * copied. The model's tensors the importer allows (a head trained for other classes) are left as
 * initialised when they do not fit; anything else that does not fit fails with the first names.
 */
final class TensorFit {

    /** How many names an error lists. */
    private static final int SHOWN = 5;

    private final List<String> missing = new ArrayList<>();
    private final List<String> shapes = new ArrayList<>();
    private final List<String> leftInitialised = new ArrayList<>();
    private final List<String> unexpected;

    private TensorFit(Map<String, WeightTensor> named, Map<String, Parameter> parameters) {
        this.unexpected =
                named.keySet().stream().filter(name -> !parameters.containsKey(name)).toList();
    }

    /**
     * A file's tensors under the names of a model's state dict: without DataParallel's {@code
     * module.} prefix and BatchNorm's step counters, which hold no weights.
     */
    static Map<String, WeightTensor> stateDictNames(Map<String, WeightTensor> read) {
        Map<String, WeightTensor> named = new LinkedHashMap<>();
        read.forEach(
                (name, tensor) -> {
                    String key = name.startsWith("module.") ? name.substring(7) : name;
                    if (!key.endsWith(".num_batches_tracked")) {
                        named.put(key, tensor);
                    }
                });
        return named;
    }

    /**
     * @param mayBeMissing the model's tensors left as initialised when the file has none
     * @param mayDiffer the model's tensors left as initialised when the file's has another shape
     */
    static TensorFit check(
            Map<String, WeightTensor> named,
            Map<String, Parameter> parameters,
            Predicate<String> mayBeMissing,
            Predicate<String> mayDiffer) {
        TensorFit fit = new TensorFit(named, parameters);
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            String name = entry.getKey();
            WeightTensor tensor = named.get(name);
            Shape wanted = entry.getValue().getArray().getShape();
            if (tensor == null) {
                if (mayBeMissing.test(name)) {
                    fit.leftInitialised.add(name);
                } else {
                    fit.missing.add(name);
                }
            } else if (!new Shape(tensor.shape()).equals(wanted)) {
                if (mayDiffer.test(name)) {
                    fit.leftInitialised.add(name);
                } else {
                    fit.shapes.add(
                            name
                                    + " (file "
                                    + Arrays.toString(tensor.shape())
                                    + ", model "
                                    + wanted
                                    + ")");
                }
            }
        }
        return fit;
    }

    /** The model's tensors that do not fit and stay as initialised, in the model's order. */
    List<String> leftInitialised() {
        return leftInitialised;
    }

    /**
     * @param subject how the message starts, e.g. "KEY: FILE does not fit MODEL:"
     * @param advice the fix, after the names
     * @throws ConfigException listing what is missing, of another shape or unknown to the model
     */
    void requireFit(String subject, String advice) {
        if (missing.isEmpty() && shapes.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(subject);
        describe(message, missing, "missing from the file");
        describe(message, shapes, "with another shape");
        describe(message, unexpected, "in the file but not in the model");
        message.setLength(message.length() - 1);
        throw new ConfigException(message.append(advice).toString());
    }

    /** Appends " N tensors what (first names, ...);" when there are any. */
    private static void describe(StringBuilder message, List<String> names, String what) {
        if (names.isEmpty()) {
            return;
        }
        message.append(' ')
                .append(names.size())
                .append(names.size() == 1 ? " tensor " : " tensors ")
                .append(what)
                .append(" (")
                .append(String.join(", ", names.subList(0, Math.min(SHOWN, names.size()))))
                .append(names.size() > SHOWN ? ", ..." : "")
                .append(");");
    }
}
