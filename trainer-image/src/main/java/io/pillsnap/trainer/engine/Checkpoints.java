package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.runtime.Tensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves and loads checkpoints: {@code weights.ndlist} (every tensor under its reference name),
 * {@code optimizer.ndlist}, {@code ema.ndlist} when averaging, and {@code state.json}. A checkpoint
 * is written to a temporary folder and renamed into place, so a crash or SIGTERM mid-write never
 * leaves a broken one.
 */
public final class Checkpoints {

    public static final String LAST = "last";
    public static final String BEST = "best";
    static final String WEIGHTS = "weights.ndlist";
    public static final String OPTIMIZER = "optimizer.ndlist";
    public static final String EMA = "ema.ndlist";

    /** Gradients accumulated since the last optimizer step, when a checkpoint falls between two. */
    public static final String GRADIENTS = "gradients.ndlist";

    static final String STATE = "state.json";

    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Checkpoints() {}

    public static void save(
            Path folder,
            Map<String, Parameter> weights,
            TrainingOptimizer optimizer,
            WeightAverage average,
            Object state) {
        save(folder, weights, optimizer, average, state, null);
    }

    /**
     * As above, with the gradients accumulated since the last optimizer step ({@code gradients},
     * null when none), so that a run stopped between two optimizer steps resumes exactly.
     */
    public static void save(
            Path folder,
            Map<String, Parameter> weights,
            TrainingOptimizer optimizer,
            WeightAverage average,
            Object state,
            Map<String, NDArray> gradients) {
        try {
            Files.createDirectories(folder.getParent());
            Path staging =
                    Files.createTempDirectory(
                            folder.getParent(), "." + folder.getFileName() + ".tmp-");
            write(staging.resolve(WEIGHTS), arraysOf(weights));
            if (optimizer != null) {
                write(staging.resolve(OPTIMIZER), optimizer.state());
            }
            if (average != null) {
                write(staging.resolve(EMA), average.state());
            }
            if (gradients != null) {
                write(staging.resolve(GRADIENTS), gradients);
            }
            JSON.writeValue(staging.resolve(STATE).toFile(), state);
            Path old = folder.resolveSibling(folder.getFileName() + ".old");
            deleteTree(old);
            if (Files.exists(folder)) {
                Files.move(folder, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + folder, e);
        }
    }

    /** The checkpoint folder to read: the folder, or its previous copy if a swap was cut short. */
    public static Optional<Path> find(Path folder) {
        if (Files.isRegularFile(folder.resolve(STATE))) {
            return Optional.of(folder);
        }
        Path old = folder.resolveSibling(folder.getFileName() + ".old");
        return Files.isRegularFile(old.resolve(STATE)) ? Optional.of(old) : Optional.empty();
    }

    /**
     * The checkpoint in {@code folder} (as {@link #find}); refused with {@code missing} if none.
     */
    public static Path require(Path folder, String missing) {
        return find(folder).orElseThrow(() -> new ConfigException(missing));
    }

    /** The state saved with a checkpoint, as the task that wrote it records it. */
    public static <T> T readState(Path folder, Class<T> type) {
        try {
            return JSON.readValue(folder.resolve(STATE).toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + folder.resolve(STATE), e);
        }
    }

    /** Named arrays of a checkpoint file; closed with {@code manager}. */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        try {
            NDList list = NDList.decode(manager, Files.readAllBytes(file));
            Map<String, NDArray> byName = new LinkedHashMap<>();
            for (NDArray array : list) {
                byName.put(array.getName(), array);
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Copies saved weights into {@code parameters} by name. With {@code allowNewHead}, a classifier
     * whose shape differs (another class count) keeps its fresh initialisation.
     *
     * @return how many tensors were loaded
     */
    public static int loadWeights(
            Path folder,
            Map<String, Parameter> parameters,
            boolean allowNewHead,
            NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> saved = read(folder.resolve(WEIGHTS), scope);
            int loaded = 0;
            for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
                NDArray value = saved.get(entry.getKey());
                NDArray target = entry.getValue().getArray();
                if (value == null) {
                    throw new IllegalStateException(
                            "checkpoint " + folder + " has no tensor " + entry.getKey());
                }
                if (!value.getShape().equals(target.getShape())) {
                    if (allowNewHead && entry.getKey().startsWith("classifier.")) {
                        log.info(
                                "warm start: {} has shape {} in {}, {} here: re-initialised",
                                entry.getKey(),
                                value.getShape(),
                                folder,
                                target.getShape());
                        continue;
                    }
                    throw new IllegalStateException(
                            "checkpoint "
                                    + folder
                                    + " has "
                                    + entry.getKey()
                                    + " of shape "
                                    + value.getShape()
                                    + ", the model needs "
                                    + target.getShape()
                                    + ": it was trained with another architecture");
                }
                Tensors.copyInto(target, value);
                loaded++;
            }
            return loaded;
        }
    }

    static Map<String, NDArray> arraysOf(Map<String, Parameter> parameters) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        parameters.forEach((name, p) -> arrays.put(name, p.getArray()));
        return arrays;
    }

    private static void write(Path file, Map<String, NDArray> arrays) throws IOException {
        NDList list = new NDList();
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            // the name travels with the array in DJL's encoding
            entry.getValue().setName(entry.getKey());
            list.add(entry.getValue());
        }
        Files.write(file, list.encode());
    }

    static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
