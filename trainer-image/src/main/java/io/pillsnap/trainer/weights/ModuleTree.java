package io.pillsnap.trainer.weights;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a pickled torch.nn.Module tree under their state-dict names, in the order {@code
 * module.state_dict()} lists them: a module's parameters, then its persistent buffers, then each
 * child's, named {@code <child>.<name>} ({@code model.23.cv2.0.0.conv.weight}).
 */
final class ModuleTree {

    /** Nesting deeper than any real model (YOLO11 is 7 modules deep); a cycle never ends. */
    static final int MAX_DEPTH = 64;

    private final Path file;
    private final String where;
    private final Map<String, TensorRef> tensors = new LinkedHashMap<>();
    private final Set<PickledObject> ancestors = Collections.newSetFromMap(new IdentityHashMap<>());

    private ModuleTree(Path file, String where) {
        this.file = file;
        this.where = where;
    }

    /**
     * @param where how messages name the root, e.g. {@code checkpoint["model"]}
     * @throws WeightFileException when a module of the tree is not one, or a parameter is not a
     *     dense tensor
     */
    static Map<String, TensorRef> stateDict(Path file, PickledObject root, String where) {
        ModuleTree tree = new ModuleTree(file, where);
        tree.collect(root, "");
        return tree.tensors;
    }

    private void collect(PickledObject module, String prefix) {
        if (!module.isModule()) {
            throw unexpected(prefix, "is a pickled " + module.type() + ", not a torch.nn.Module");
        }
        if (ancestors.size() >= MAX_DEPTH) {
            throw unexpected(prefix, "is nested more than " + MAX_DEPTH + " modules deep");
        }
        if (!ancestors.add(module)) {
            throw unexpected(prefix, "contains itself");
        }
        Map<?, ?> attributes = module.attributes();
        addTensors((Map<?, ?>) attributes.get("_parameters"), prefix, Set.of());
        addTensors(
                (Map<?, ?>) attributes.get("_buffers"), prefix, nonPersistent(attributes, prefix));
        for (Map.Entry<?, ?> child : ((Map<?, ?>) attributes.get("_modules")).entrySet()) {
            if (child.getValue() == null) {
                continue; // a module attribute set to None, as state_dict() skips it
            }
            String name = prefix + name(child.getKey(), prefix);
            if (!(child.getValue() instanceof PickledObject submodule)) {
                throw unexpected(
                        name,
                        "is a "
                                + StateDictUnpickler.describe(child.getValue())
                                + ", not a torch.nn.Module");
            }
            collect(submodule, name + ".");
        }
        ancestors.remove(module);
    }

    private void addTensors(Map<?, ?> entries, String prefix, Collection<?> skipped) {
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String name = name(entry.getKey(), prefix);
            if (entry.getValue() == null || skipped.contains(name)) {
                continue; // a bias=False convolution has bias None; non-persistent buffers
            }
            if (!(entry.getValue() instanceof TensorRef tensor)) {
                throw unexpected(
                        prefix + name,
                        "is a "
                                + StateDictUnpickler.describe(entry.getValue())
                                + ", not a dense tensor");
            }
            tensors.put(prefix + name, tensor);
        }
    }

    private Collection<?> nonPersistent(Map<?, ?> attributes, String prefix) {
        Object names = attributes.get("_non_persistent_buffers_set");
        if (names == null) {
            return Set.of();
        }
        if (!(names instanceof Collection<?> collection)) {
            throw unexpected(
                    prefix + "_non_persistent_buffers_set",
                    "is a " + StateDictUnpickler.describe(names) + ", not a set");
        }
        return collection;
    }

    private String name(Object key, String prefix) {
        if (!(key instanceof String name) || name.isEmpty() || name.contains(".")) {
            throw unexpected(prefix, "names a member " + key + ", not an attribute name");
        }
        return name;
    }

    private WeightFileException unexpected(String name, String what) {
        String member = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return new WeightFileException(
                file
                        + ": "
                        + where
                        + (member.isEmpty() ? "" : " member " + member)
                        + " "
                        + what
                        + ", so its tensors cannot be named as its state dict names them; load"
                        + " it in Python and save torch.save(model.state_dict(), path) instead");
    }
}
