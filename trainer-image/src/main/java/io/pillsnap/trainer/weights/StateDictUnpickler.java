package io.pillsnap.trainer.weights;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} of a {@code torch.save} archive without running any pickle code:
 * the only globals it resolves are the handful a state dict of tensors needs, each mapped to a Java
 * constructor of ours. Any other global is refused when the pickle names it, before anything is
 * built from it. Tensors come out as {@link TensorRef}s, descriptions of where their values lie; no
 * tensor data is read here. {@link ModuleTreeUnpickler} also accepts pickled objects, as data.
 */
class StateDictUnpickler extends Unpickler {

    /** A storage named by a persistent id: the archive entry {@code data/<key>} of one dtype. */
    record StorageRef(String key, Dtype dtype) {}

    /** A tensor as {@code _rebuild_tensor_v2} describes it: a strided view of a storage. */
    record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {

        long elementCount() {
            return WeightTensor.elementCount(shape);
        }

        /** The highest storage element the view reads, or -1 for an empty tensor. */
        long lastElement() {
            if (elementCount() == 0) {
                return -1;
            }
            // exact: a damaged pickle can claim strides that overflow
            long last = offset;
            for (int d = 0; d < shape.length; d++) {
                last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
            }
            return last;
        }

        /**
         * Values in C order; a non-contiguous view (a transpose, a slice) is gathered by stride.
         */
        float[] gather(ByteBuffer data) {
            float[] values = new float[(int) elementCount()];
            if (values.length == 0) {
                return values;
            }
            if (isContiguous()) {
                storage.dtype().readContiguous(data, (int) offset, values);
                return values;
            }
            long[] index = new long[shape.length];
            long at = offset;
            for (int i = 0; i < values.length; i++) {
                values[i] = storage.dtype().read(data, (int) at);
                // odometer over the shape, last dimension fastest
                for (int d = shape.length - 1; d >= 0; d--) {
                    if (++index[d] < shape[d]) {
                        at += stride[d];
                        break;
                    }
                    at -= (shape[d] - 1) * stride[d];
                    index[d] = 0;
                }
            }
            return values;
        }

        private boolean isContiguous() {
            long expected = 1;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (shape[d] != 1 && stride[d] != expected) {
                    return false;
                }
                expected *= shape[d];
            }
            return true;
        }
    }

    /** A storage type such as {@code torch.FloatStorage}: only ever named in a persistent id. */
    private record StorageType(String name, Dtype dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException(name + " is called, which torch.save never does");
        }
    }

    // data.pkl of torch.save(model.state_dict(), path) in PyTorch 1.6 to 2.x names only these
    static final Map<String, IObjectConstructor> ALLOWED =
            Map.ofEntries(
                    Map.entry("collections.OrderedDict", StateDictUnpickler::orderedDict),
                    Map.entry("torch._utils._rebuild_tensor_v2", StateDictUnpickler::rebuildTensor),
                    Map.entry(
                            "torch._utils._rebuild_parameter",
                            StateDictUnpickler::rebuildParameter),
                    storage("torch.FloatStorage", Dtype.F32),
                    storage("torch.HalfStorage", Dtype.F16),
                    storage("torch.BFloat16Storage", Dtype.BF16),
                    storage("torch.DoubleStorage", Dtype.F64),
                    storage("torch.LongStorage", Dtype.I64),
                    storage("torch.IntStorage", Dtype.I32));

    /**
     * Pickle operations one file may take: a state dict takes about 40 per tensor, Ultralytics'
     * pickled YOLO11n about 90 (45,768 for its 499 tensors); many millions only fill the heap.
     */
    static final long MAX_OPERATIONS = 4_000_000;

    final Path file;
    private final Map<String, StorageRef> storages = new HashMap<>();
    private long operations;

    StateDictUnpickler(Path file) {
        this.file = file;
    }

    /**
     * The unpickled top-level object: maps, lists, tuples ({@code Object[]}), numbers, strings and
     * {@link TensorRef}s.
     *
     * @throws WeightFileException for a global outside the allowed set or a damaged pickle
     */
    static Object unpickle(Path file, byte[] pickle) {
        return new StateDictUnpickler(file).run(pickle);
    }

    /** The unpickled top-level object, or a {@link WeightFileException} naming the file. */
    final Object run(byte[] pickle) {
        try {
            return load(new ByteArrayInputStream(pickle));
        } catch (WeightFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new WeightFileException(
                    file
                            + " holds a damaged or unsupported pickle in data.pkl ("
                            + e.getMessage()
                            + "); save the weights again with torch.save(model.state_dict(),"
                            + " path)",
                    e);
        } finally {
            close();
        }
    }

    @Override
    protected Object dispatch(short opcode) throws IOException {
        if (++operations > MAX_OPERATIONS) {
            throw new WeightFileException(
                    file
                            + " holds a pickle of more than "
                            + MAX_OPERATIONS
                            + " operations, far more than any model's weights take: it is not a"
                            + " checkpoint; save the weights with torch.save(model.state_dict(),"
                            + " path)");
        }
        switch (opcode) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(constructorFor(module, name));
            }
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                stack.add(constructorFor(String.valueOf(module), String.valueOf(name)));
            }
            // protocol 0 names a class and instantiates it in one opcode; torch.save never does
            case Opcodes.INST -> {
                String module = PickleUtils.readline(input);
                throw refused(module + "." + PickleUtils.readline(input));
            }
            case Opcodes.BUILD -> build();
            // razorvine builds HashMaps; insertion order is the state dict's order
            case Opcodes.EMPTY_DICT -> stack.add(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putPairs(stack.pop_all_since_marker(), dict);
                stack.add(dict);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object key = stack.pop();
                putPairs(Arrays.asList(key, value), dictOnStack());
            }
            case Opcodes.SETITEMS -> {
                List<Object> pairs = stack.pop_all_since_marker();
                putPairs(pairs, dictOnStack());
            }
            case Opcodes.EMPTY_SET, Opcodes.FROZENSET, Opcodes.ADDITEMS -> {
                if (!acceptsSets()) {
                    throw new PickleException("it holds a set, which a state dict never does");
                }
                return super.dispatch(opcode);
            }
            case Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.BINUNICODE, Opcodes.LONG4 -> {
                requireAvailable(4);
                return super.dispatch(opcode);
            }
            case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8 -> {
                requireAvailable(8);
                return super.dispatch(opcode);
            }
            default -> {
                return super.dispatch(opcode);
            }
        }
        return NO_RETURN_VALUE;
    }

    /** {@code ('storage', storage_type, key, location, numel)}, as torch.save writes it. */
    @Override
    protected Object persistentLoad(Object pid) {
        if (!(pid instanceof Object[] tuple)
                || tuple.length != 5
                || !"storage".equals(tuple[0])
                || !(tuple[1] instanceof StorageType type)
                || !(tuple[2] instanceof String key)) {
            throw new PickleException(
                    "persistent id "
                            + describe(pid)
                            + " is not ('storage', type, key, location, numel)");
        }
        StorageRef storage = storages.computeIfAbsent(key, k -> new StorageRef(k, type.dtype()));
        if (storage.dtype() != type.dtype()) {
            throw new PickleException(
                    "storage " + key + " is named both " + storage.dtype() + " and " + type.name());
        }
        return storage;
    }

    /** What a global the pickle names stands for; refuses anything a state dict never names. */
    IObjectConstructor constructorFor(String module, String name) {
        IObjectConstructor constructor = ALLOWED.get(module + "." + name);
        if (constructor == null) {
            throw refused(module + "." + name);
        }
        return constructor;
    }

    boolean acceptsSets() {
        return false;
    }

    WeightFileException refused(String global) {
        return new WeightFileException(
                file
                        + " holds a pickled object of type "
                        + global
                        + "; only a state dict of tensors (torch.save(model.state_dict(), path))"
                        + " can be imported, and no pickle code is ever run");
    }

    // BUILD sets attributes; a state dict carries one, _metadata (module versions), not needed here
    void build() {
        stack.pop();
        Object target = stack.peek();
        if (!(target instanceof Map)) {
            throw new PickleException("sets the state of a " + describe(target));
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dictOnStack() {
        Object top = stack.peek();
        if (!(top instanceof Map)) {
            throw new PickleException("sets items on a " + describe(top));
        }
        return (Map<Object, Object>) top;
    }

    private static void putPairs(List<Object> items, Map<Object, Object> dict) {
        if (items.size() % 2 != 0) {
            throw new PickleException("a dict has a key without a value");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            // as in Python, where they are unhashable; a list holding itself would never hash
            if (key instanceof List || key instanceof Map) {
                throw new PickleException("a dict has a " + describe(key) + " as key");
            }
            dict.put(key, items.get(i + 1));
        }
    }

    // razorvine allocates a byte[] of the length the pickle claims before reading it
    private void requireAvailable(int lengthBytes) throws IOException {
        input.mark(lengthBytes);
        byte[] raw = input.readNBytes(lengthBytes);
        input.reset();
        if (raw.length < lengthBytes) {
            throw new PickleException("the pickle ends inside a length field");
        }
        long length = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getInt(0) & 0xffffffffL;
        if (lengthBytes == 8) {
            length = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        }
        long remaining = input.available() - lengthBytes;
        if (length < 0 || length > remaining) {
            throw new PickleException(
                    "a value claims "
                            + Long.toUnsignedString(length)
                            + " bytes but only "
                            + remaining
                            + " remain");
        }
    }

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
                    "_rebuild_tensor_v2 is given a " + describe(args[0]) + " as storage");
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
            throw new PickleException("tensor " + what + " is of type " + describe(tuple));
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

    /** The Python type of an unpickled value, for messages. */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        } else if (value instanceof Map) {
            return "dict";
        } else if (value instanceof Object[]) {
            return "tuple";
        } else if (value instanceof List) {
            return "list";
        } else if (value instanceof String) {
            return "str";
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof BigInteger) {
            return "int";
        } else if (value instanceof Double) {
            return "float";
        } else if (value instanceof Boolean) {
            return "bool";
        } else if (value instanceof byte[]) {
            return "bytes";
        } else if (value instanceof TensorRef) {
            return "tensor";
        } else if (value instanceof StorageRef) {
            return "storage";
        } else if (value instanceof PickledObject object) {
            return object.type();
        } else if (value instanceof Set) {
            return "set";
        }
        return value.getClass().getSimpleName();
    }
}
