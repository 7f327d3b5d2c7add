package io.pillsnap.trainer.weights;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The globals a state dict's pickle names, each mapped to a constructor of ours: {@code
 * _rebuild_tensor_v2} and {@code _rebuild_parameter} make {@link TensorRef}s of the storages the
 * persistent ids name, checking every argument; nothing of PyTorch is looked up or run.
 */
final class StateDictGlobals {

    /** A storage type such as {@code torch.FloatStorage}: only ever named in a persistent id. */
    record StorageType(String name, Dtype dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException(name + " is called, which torch.save never does");
        }
    }

    // data.pkl of torch.save(model.state_dict(), path) in PyTorch 1.6 to 2.x names only these
    static final Map<String, IObjectConstructor> ALLOWED =
            Map.ofEntries(
                    Map.entry("collections.OrderedDict", StateDictGlobals::orderedDict),
                    Map.entry("torch._utils._rebuild_tensor_v2", StateDictGlobals::rebuildTensor),
                    Map.entry(
                            "torch._utils._rebuild_parameter", StateDictGlobals::rebuildParameter),
                    storage("torch.FloatStorage", Dtype.F32),
                    storage("torch.HalfStorage", Dtype.F16),
                    storage("torch.BFloat16Storage", Dtype.BF16),
                    storage("torch.DoubleStorage", Dtype.F64),
                    storage("torch.LongStorage", Dtype.I64),
                    storage("torch.IntStorage", Dtype.I32));

    private StateDictGlobals() {}

    static Object orderedDict(Object[] args) {
        if (args.length != 0) {
            throw new PickleException("OrderedDict is given " + args.length + " arguments");
        }
        return new LinkedHashMap<>();
    }

    /**
     * {@code _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad,
     * backward_hooks[, metadata])}.
     */
    static Object rebuildTensor(Object[] args) {
        if (args.length != 6 && args.length != 7) {
            throw new PickleException("_rebuild_tensor_v2 is given " + args.length + " arguments");
        }
        if (!(args[0] instanceof StorageRef storage)) {
            throw new PickleException(
                    "_rebuild_tensor_v2 is given a "
                            + StateDictUnpickler.describe(args[0])
                            + " as storage");
        }
        requireEmpty(args[5], "backward hooks");
        if (args.length == 7 && args[6] != null) {
            requireEmpty(args[6], "tensor metadata");
        }
        long offset = nonNegative(args[1], "storage offset");
        long[] shape = longs(args[2], "size");
        long[] stride = longs(args[3], "stride");
        if (shape.length != stride.length) {
            throw new PickleException(
                    "size "
                            + Arrays.toString(shape)
                            + " and stride "
                            + Arrays.toString(stride)
                            + " differ in length");
        }
        return new TensorRef(storage, offset, shape, stride);
    }

    /** {@code _rebuild_parameter(data, requires_grad, backward_hooks)}: an nn.Parameter. */
    static Object rebuildParameter(Object[] args) {
        if (args.length != 3 || !(args[0] instanceof TensorRef tensor)) {
            throw new PickleException("_rebuild_parameter is given other arguments than a tensor");
        }
        requireEmpty(args[2], "backward hooks");
        return tensor;
    }

    static void requireEmpty(Object hooks, String what) {
        if (!(hooks instanceof Map<?, ?> map) || !map.isEmpty()) {
            throw new PickleException(
                    "a tensor carries " + what + ", which a state dict never has");
        }
    }

    private static long[] longs(Object tuple, String what) {
        if (!(tuple instanceof Object[] items)) {
            throw new PickleException(
                    "tensor " + what + " is of type " + StateDictUnpickler.describe(tuple));
        }
        long[] values = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            values[i] = nonNegative(items[i], what);
        }
        return values;
    }

    private static long nonNegative(Object number, String what) {
        if ((number instanceof Integer || number instanceof Long)
                && ((Number) number).longValue() >= 0) {
            return ((Number) number).longValue();
        }
        throw new PickleException("tensor " + what + " is not a non-negative int");
    }

    static Map.Entry<String, IObjectConstructor> storage(String name, Dtype dtype) {
        return Map.entry(name, new StorageType(name, dtype));
    }
}
