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
 * constructor of ours ({@link StateDictGlobals}). Any other global is refused when the pickle names
 * it, before anything is built from it. Tensors come out as {@link TensorRef}s, descriptions of
 * where their values lie; no tensor data is read here. {@link ModuleTreeUnpickler} also accepts
 * pickled objects, as data.
 */
class StateDictUnpickler extends Unpickler {

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
                || !(tuple[1] instanceof StateDictGlobals.StorageType type)
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
        IObjectConstructor constructor = StateDictGlobals.ALLOWED.get(module + "." + name);
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
