package io.pillsnap.trainer.weights;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * Unpickles a whole pickled model, as Ultralytics publishes its checkpoints ({@code
 * torch.save({"model": DetectionModel, ...})}), without running any of it: a class of PyTorch's,
 * Ultralytics' or a few standard containers becomes a {@link PickledObject}, data with the class's
 * name and the state BUILD gave it; tensors, parameters and OrderedDicts are rebuilt as the state
 * dict reader rebuilds them. Any other global (os.system, eval, a class of some other program) is
 * refused when the pickle names it.
 */
final class ModuleTreeUnpickler extends StateDictUnpickler {

    /** Packages whose classes a pickled PyTorch or Ultralytics model and its checkpoint hold. */
    private static final List<String> DATA_PACKAGES =
            List.of("torch.", "ultralytics.", "collections.", "numpy.", "pathlib.");

    /** Other classes such a checkpoint's metadata may hold. */
    private static final Set<String> DATA_CLASSES =
            Set.of(
                    "__builtin__.object",
                    "builtins.object",
                    "__builtin__.slice",
                    "builtins.slice",
                    "types.SimpleNamespace",
                    "argparse.Namespace",
                    "copyreg._reconstructor",
                    "_codecs.encode");

    /** Globals a module tree names beyond a state dict's: sets, and PyTorch 2's parameters. */
    private static final Map<String, IObjectConstructor> TREE_GLOBALS =
            Map.of(
                    "__builtin__.set", ModuleTreeUnpickler::set,
                    "builtins.set", ModuleTreeUnpickler::set,
                    "__builtin__.frozenset", ModuleTreeUnpickler::set,
                    "builtins.frozenset", ModuleTreeUnpickler::set,
                    "torch._utils._rebuild_parameter_with_state",
                            ModuleTreeUnpickler::rebuildParameterWithState);

    private ModuleTreeUnpickler(Path file) {
        super(file);
    }

    /**
     * The unpickled top-level object: as {@link StateDictUnpickler#unpickle}, and {@link
     * PickledObject}s and sets.
     *
     * @throws WeightFileException for a global outside the accepted ones or a damaged pickle
     */
    static Object unpickle(Path file, byte[] pickle) {
        return new ModuleTreeUnpickler(file).run(pickle);
    }

    @Override
    IObjectConstructor constructorFor(String module, String name) {
        String global = module + "." + name;
        IObjectConstructor known =
                StateDictGlobals.ALLOWED.getOrDefault(global, TREE_GLOBALS.get(global));
        if (known != null) {
            return known;
        }
        if (DATA_CLASSES.contains(global) || DATA_PACKAGES.stream().anyMatch(global::startsWith)) {
            return arguments -> new PickledObject(global);
        }
        throw refused(global);
    }

    @Override
    boolean acceptsSets() {
        return true;
    }

    @Override
    WeightFileException refused(String global) {
        return new WeightFileException(
                file
                        + " holds a pickled object of type "
                        + global
                        + ", which neither a state dict nor an Ultralytics checkpoint holds; no"
                        + " pickle code is ever run. Import a state dict"
                        + " (torch.save(model.state_dict(), path) or a .safetensors file) or a"
                        + " checkpoint as Ultralytics publishes it (yolo11n.pt ... yolo11x.pt)");
    }

    @Override
    void build() {
        Object state = stack.pop();
        Object target = stack.peek();
        if (target instanceof PickledObject object) {
            object.setState(state);
        } else if (!(target instanceof Map)) {
            throw new PickleException("sets the state of a " + describe(target));
        }
    }

    private static Object set(Object[] args) {
        if (args.length == 0) {
            return new LinkedHashSet<>();
        }
        if (args.length != 1 || !(args[0] instanceof Collection<?> items)) {
            throw new PickleException("a set is built from other arguments than a list");
        }
        return new LinkedHashSet<>(items);
    }

    /** PyTorch 2's parameter with Python attributes; the attributes do not matter here. */
    private static Object rebuildParameterWithState(Object[] args) {
        if (args.length != 4) {
            throw new PickleException(
                    "_rebuild_parameter_with_state is given " + args.length + " arguments");
        }
        return StateDictGlobals.rebuildParameter(new Object[] {args[0], args[1], args[2]});
    }
}
