package io.pillsnap.trainer.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a state dict saved by {@code torch.save(model.state_dict(), path)} in the zip format of
 * PyTorch 1.6 and later: {@code <archive>/data.pkl} describes the tensors and {@code
 * <archive>/data/<key>} holds each storage's raw bytes. The pickle is read by {@link
 * StateDictUnpickler}, which never runs pickle code; the structure is checked before any storage is
 * read, and each storage is read once however many tensors view it. {@link #readModel} also reads a
 * pickled model, such as Ultralytics' published checkpoints, as data ({@link ModuleTreeUnpickler}).
 */
final class TorchCheckpointReader {

    private static final Logger log = LoggerFactory.getLogger(TorchCheckpointReader.class);

    // a state dict's pickle is a few hundred bytes per tensor; more is not a state dict
    static final long MAX_PICKLE_BYTES = 64L * 1024 * 1024;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final int KEYS_SHOWN = 10;

    private TorchCheckpointReader() {}

    static Map<String, WeightTensor> read(Path file) {
        return read(file, false);
    }

    /**
     * A state dict, or the state dict of a pickled torch.nn.Module: the whole file ({@code
     * torch.save(model)}), or its {@code "ema"} or else {@code "model"} entry, as Ultralytics loads
     * its checkpoints.
     */
    static Map<String, WeightTensor> readModel(Path file) {
        return read(file, true);
    }

    private static Map<String, WeightTensor> read(Path file, boolean models) {
        try (ZipFile zip = open(file)) {
            String archive = archiveFolder(file, zip);
            requireLittleEndian(file, zip, archive);
            byte[] pickle = pickle(file, zip, archive);
            Map<String, TensorRef> tensors =
                    models
                            ? tensorsOfModel(file, ModuleTreeUnpickler.unpickle(file, pickle))
                            : stateDict(file, StateDictUnpickler.unpickle(file, pickle));
            return values(file, zip, archive, tensors);
        } catch (IOException e) {
            throw new WeightFileException("cannot read PyTorch checkpoint " + file + ": " + e, e);
        }
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightFileException(
                    file
                            + " starts like a zip archive but cannot be opened ("
                            + e.getMessage()
                            + "): it is truncated or damaged; download or save it again",
                    e);
        }
    }

    /** The single top folder holding data.pkl; torch.save names it after the file. */
    private static String archiveFolder(Path file, ZipFile zip) {
        List<String> folders =
                zip.stream()
                        .map(ZipEntry::getName)
                        .filter(name -> name.endsWith("/data.pkl"))
                        .filter(name -> name.indexOf('/') == name.length() - "/data.pkl".length())
                        .map(name -> name.substring(0, name.length() - "data.pkl".length()))
                        .toList();
        if (folders.size() != 1) {
            throw new WeightFileException(
                    file
                            + " is a zip archive but not a PyTorch checkpoint: it has "
                            + folders.size()
                            + " <folder>/data.pkl entries where torch.save writes one; save the"
                            + " weights with torch.save(model.state_dict(), path)");
        }
        return folders.get(0);
    }

    private static byte[] pickle(Path file, ZipFile zip, String archive) throws IOException {
        ZipEntry entry = zip.getEntry(archive + "data.pkl");
        if (entry.getSize() > MAX_PICKLE_BYTES) {
            throw new WeightFileException(
                    file
                            + " has a data.pkl of "
                            + entry.getSize()
                            + " bytes, far more than a state dict needs: it holds more than"
                            + " tensors; save the weights alone with torch.save(model.state_dict(),"
                            + " path)");
        }
        return readEntry(zip, entry, entry.getSize());
    }

    private static void requireLittleEndian(Path file, ZipFile zip, String archive)
            throws IOException {
        ZipEntry entry = zip.getEntry(archive + "byteorder");
        if (entry == null) {
            return; // PyTorch before 2.1 writes none, and only on little-endian machines
        }
        long length = Math.min(entry.getSize(), 16);
        String order = new String(readEntry(zip, entry, length), StandardCharsets.US_ASCII).strip();
        if (!order.equals("little")) {
            throw new WeightFileException(
                    file
                            + " was saved with byte order '"
                            + order
                            + "', which the trainer does not read; load it and save it again"
                            + " with torch.save on a little-endian machine (x86 or ARM)");
        }
    }

    private static Map<String, TensorRef> stateDict(Path file, Object top) {
        if (!(top instanceof Map<?, ?> dict)) {
            throw new WeightFileException(
                    file
                            + " holds an object of type "
                            + StateDictUnpickler.describe(top)
                            + ", not a state dict; save the weights with"
                            + " torch.save(model.state_dict(), path)");
        }
        if (isStateDict(dict)) {
            Map<String, TensorRef> tensors = new LinkedHashMap<>();
            dict.forEach((name, tensor) -> tensors.put((String) name, (TensorRef) tensor));
            return tensors;
        }
        List<String> keys = dict.keySet().stream().map(String::valueOf).toList();
        List<String> nested =
                dict.entrySet().stream()
                        .filter(
                                entry ->
                                        entry.getValue() instanceof Map<?, ?> inner
                                                && isStateDict(inner))
                        .map(entry -> String.valueOf(entry.getKey()))
                        .toList();
        if (!nested.isEmpty()) {
            throw new WeightFileException(
                    file
                            + " holds a training checkpoint, not a state dict: its top-level keys"
                            + " are "
                            + shown(keys)
                            + " and the tensors are under "
                            + nested.stream().map(key -> "\"" + key + "\"").toList()
                            + "; save the weights alone with torch.save(checkpoint[\""
                            + nested.get(0)
                            + "\"], path) and import that file");
        }
        throw new WeightFileException(
                file
                        + " holds a dict that is not a state dict: "
                        + firstNonTensor(dict)
                        + " (top-level keys "
                        + shown(keys)
                        + "); only a dict of name -> tensor can be imported, save it with"
                        + " torch.save(model.state_dict(), path)");
    }

    private static Map<String, TensorRef> tensorsOfModel(Path file, Object top) {
        if (top instanceof PickledObject module && module.isModule()) {
            return treeOf(file, module, "the pickled " + module.type());
        }
        if (!(top instanceof Map<?, ?> dict) || isStateDict(dict)) {
            return stateDict(file, top);
        }
        // Ultralytics loads (ckpt.get("ema") or ckpt["model"]); published files have no "ema"
        for (String key : List.of("ema", "model")) {
            if (dict.get(key) instanceof PickledObject module && module.isModule()) {
                return treeOf(
                        file, module, "checkpoint[\"" + key + "\"], a pickled " + module.type());
            }
        }
        boolean nestedStateDict =
                dict.values().stream().anyMatch(v -> v instanceof Map<?, ?> m && isStateDict(m));
        if (nestedStateDict) {
            return stateDict(file, top); // names the entry and the one-line fix
        }
        throw new WeightFileException(
                file
                        + " holds a dict with neither tensors nor a pickled model: its top-level"
                        + " keys are "
                        + shown(dict.keySet().stream().map(String::valueOf).toList())
                        + " (\"model\" is "
                        + StateDictUnpickler.describe(dict.get("model"))
                        + "); import a state dict (torch.save(model.state_dict(), path)) or a"
                        + " checkpoint whose \"model\" is the pickled model, as Ultralytics"
                        + " publishes yolo11n.pt ... yolo11x.pt");
    }

    private static Map<String, TensorRef> treeOf(Path file, PickledObject module, String where) {
        Map<String, TensorRef> tensors = ModuleTree.stateDict(file, module, where);
        log.info("{}: {} tensors of {}", file.getFileName(), tensors.size(), where);
        return tensors;
    }

    private static boolean isStateDict(Map<?, ?> dict) {
        return !dict.isEmpty()
                && dict.keySet().stream().allMatch(String.class::isInstance)
                && dict.values().stream().allMatch(TensorRef.class::isInstance);
    }

    private static String firstNonTensor(Map<?, ?> dict) {
        for (Map.Entry<?, ?> entry : dict.entrySet()) {
            if (!(entry.getKey() instanceof String)) {
                return "key "
                        + entry.getKey()
                        + " is of type "
                        + StateDictUnpickler.describe(entry.getKey())
                        + ", not a name";
            }
            if (!(entry.getValue() instanceof TensorRef)) {
                return "entry \""
                        + entry.getKey()
                        + "\" is of type "
                        + StateDictUnpickler.describe(entry.getValue())
                        + ", not a tensor";
            }
        }
        return "it is empty";
    }

    private static String shown(List<String> keys) {
        if (keys.size() <= KEYS_SHOWN) {
            return keys.toString();
        }
        return keys.subList(0, KEYS_SHOWN).toString().replace("]", ", ... ")
                + (keys.size() - KEYS_SHOWN)
                + " more]";
    }

    private static Map<String, WeightTensor> values(
            Path file, ZipFile zip, String archive, Map<String, TensorRef> tensors)
            throws IOException {
        Map<String, List<String>> namesByStorage = new LinkedHashMap<>();
        tensors.forEach(
                (name, tensor) ->
                        namesByStorage
                                .computeIfAbsent(tensor.storage().key(), key -> new ArrayList<>())
                                .add(name));
        Map<String, float[]> values = new HashMap<>();
        for (Map.Entry<String, List<String>> storage : namesByStorage.entrySet()) {
            ByteBuffer data =
                    storageBytes(file, zip, archive, storage.getKey(), storage.getValue(), tensors);
            for (String name : storage.getValue()) {
                values.put(name, tensors.get(name).gather(data));
            }
        }
        Map<String, WeightTensor> read = new LinkedHashMap<>();
        tensors.forEach(
                (name, tensor) ->
                        read.put(
                                name,
                                new WeightTensor(
                                        tensor.storage().dtype().name(),
                                        tensor.shape(),
                                        values.get(name))));
        return read;
    }

    /** The bytes of storage {@code key}, checked to hold every element its tensors view. */
    private static ByteBuffer storageBytes(
            Path file,
            ZipFile zip,
            String archive,
            String key,
            List<String> names,
            Map<String, TensorRef> tensors)
            throws IOException {
        Dtype dtype = tensors.get(names.get(0)).storage().dtype();
        long neededBytes = 0;
        for (String name : names) {
            TensorRef tensor = tensors.get(name);
            try {
                if (tensor.elementCount() > MAX_ARRAY) {
                    throw new WeightFileException(
                            file
                                    + " has tensor "
                                    + name
                                    + " of shape "
                                    + Arrays.toString(tensor.shape())
                                    + ", more than the 2^31 elements a Java array holds; split"
                                    + " it before importing");
                }
                neededBytes =
                        Math.max(
                                neededBytes,
                                Math.multiplyExact(tensor.lastElement() + 1, dtype.bytes));
            } catch (ArithmeticException e) {
                throw damaged(file, "tensor " + name + " has a size or stride that overflows");
            }
        }
        ZipEntry entry = zip.getEntry(archive + "data/" + key);
        if (entry == null) {
            throw damaged(
                    file, "storage data/" + key + " of tensor " + names.get(0) + " is missing");
        }
        if (entry.getSize() < neededBytes) {
            throw damaged(
                    file,
                    "tensor "
                            + names.get(0)
                            + " reads "
                            + neededBytes
                            + " bytes of storage data/"
                            + key
                            + ", which holds "
                            + entry.getSize());
        }
        if (neededBytes > MAX_ARRAY) {
            throw new WeightFileException(
                    file
                            + " has a storage (data/"
                            + key
                            + ") larger than 2 GB, which the trainer cannot read; save the"
                            + " tensors of "
                            + names.get(0)
                            + " as separate tensors");
        }
        return ByteBuffer.wrap(readEntry(zip, entry, neededBytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The first {@code length} bytes of an entry (a storage may hold more than its views read). */
    private static byte[] readEntry(ZipFile zip, ZipEntry entry, long length) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) length);
            if (bytes.length < length) {
                throw new IOException(entry.getName() + " ends after " + bytes.length + " bytes");
            }
            return bytes;
        }
    }

    private static WeightFileException damaged(Path file, String why) {
        return new WeightFileException(
                file
                        + " is a damaged PyTorch checkpoint: "
                        + why
                        + "; download or save it again with torch.save(model.state_dict(), path)");
    }
}
