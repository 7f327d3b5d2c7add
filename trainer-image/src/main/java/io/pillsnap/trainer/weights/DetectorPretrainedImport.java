package io.pillsnap.trainer.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.detector.yolo.Yolo11;
import io.pillsnap.trainer.runtime.Tensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a YOLO11 detector from Ultralytics' weights: a published checkpoint (a pickled
 * DetectionModel in float16, read as data) or a state dict with its names. Every tensor is checked
 * by name and shape before any is copied. When the file was trained for another class count (COCO's
 * 80), the tensors of the class branches ({@code model.23.cv3}) whose shape depends on it are left
 * as initialised, as Ultralytics itself keeps only the tensors whose shapes match when it
 * fine-tunes; anything else that does not fit is an error that lists the first names.
 */
public final class DetectorPretrainedImport {

    static final String KEY = "spec.model.detector.pretrained";
    static final String CLASS_BRANCHES = "model.23.cv3.";
    private static final String CLASS_LOGITS = CLASS_BRANCHES + "0.2.weight";
    private static final Pattern BRANCH_TENSOR =
            Pattern.compile("model\\.23\\.cv3\\.(\\d+)\\.(.+)");
    private static final Logger log = LoggerFactory.getLogger(DetectorPretrainedImport.class);

    /**
     * @param tensors how many of the model's tensors came from the file
     * @param fileClasses the class count the file's head was trained for
     * @param reinitialised the model's tensors left as initialised, by state-dict name
     */
    public record Imported(
            Path file,
            String sha256,
            int tensors,
            int modelTensors,
            int fileClasses,
            List<String> reinitialised) {}

    private DetectorPretrainedImport() {}

    public static Imported apply(Yolo11 network, Path file, String expectedSha256) {
        String sha256 =
                PretrainedFile.verify(
                        KEY, file, expectedSha256, "docs/detection.md#pretrained-weights");
        Map<String, WeightTensor> read;
        try {
            read = WeightFile.readModel(file);
        } catch (WeightFileException e) {
            throw new ConfigException(KEY + ": " + e.getMessage(), e);
        }
        Map<String, WeightTensor> named = TensorFit.stateDictNames(read);
        Map<String, Parameter> parameters = network.namedParameters();
        int fileClasses = fileClasses(named);
        List<String> reinitialised = check(file, named, parameters, network, fileClasses);
        int copied = 0;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            if (!reinitialised.contains(entry.getKey())) {
                copy(named.get(entry.getKey()), entry.getValue().getArray());
                copied++;
            }
        }
        Imported imported =
                new Imported(file, sha256, copied, parameters.size(), fileClasses, reinitialised);
        log.info(
                "detector pretrained: {} of {} tensors from {} (stored as {}, read as float32;"
                        + " sha256 {}){}",
                copied,
                parameters.size(),
                file,
                new TreeSet<>(named.values().stream().map(WeightTensor::dtype).toList()),
                sha256,
                reinitialised.isEmpty()
                        ? "; no tensor re-initialised"
                        : "; re-initialised for "
                                + network.classes()
                                + (network.classes() == 1 ? " class" : " classes")
                                + " (the file has "
                                + fileClasses
                                + "): "
                                + reinitialised.size()
                                + " class-branch tensors "
                                + grouped(reinitialised));
        return imported;
    }

    /** The class count of the file's head: the rows of the first class branch's last conv. */
    private static int fileClasses(Map<String, WeightTensor> named) {
        WeightTensor logits = named.get(CLASS_LOGITS);
        return logits == null || logits.shape().length == 0 ? -1 : (int) logits.shape()[0];
    }

    /**
     * Fails listing what does not fit; returns the class-branch tensors to leave as initialised.
     */
    private static List<String> check(
            Path file,
            Map<String, WeightTensor> named,
            Map<String, Parameter> parameters,
            Yolo11 network,
            int fileClasses) {
        boolean otherClasses = fileClasses != network.classes();
        TensorFit fit =
                TensorFit.check(
                        named,
                        parameters,
                        name -> false,
                        name -> otherClasses && name.startsWith(CLASS_BRANCHES));
        fit.requireFit(
                KEY
                        + ": "
                        + file
                        + " does not fit "
                        + network.config().name()
                        + " ("
                        + network.classes()
                        + (network.classes() == 1 ? " class" : " classes")
                        + "):",
                ". Ultralytics' weights need the published table: check spec.model.detector.arch"
                        + " (n, s, m, l or x as in the file name, yolo11x.pt is yolo11x) and"
                        + " widthMultiplier/depthMultiplier 1.0");
        return fit.leftInitialised();
    }

    /** Copied into the tensor's own memory, which libtorch keeps (never set(float[])). */
    private static void copy(WeightTensor tensor, NDArray target) {
        try (NDManager scope = target.getManager().newSubManager()) {
            NDArray values =
                    scope.create(tensor.values(), new Shape(tensor.shape()))
                            .toDevice(target.getDevice(), false);
            Tensors.copyInto(target, values);
        }
    }

    /**
     * {@code model.23.cv3.{0,1,2}.{2.weight, 2.bias}} when every branch lost the same tensors, else
     * the names.
     */
    static String grouped(List<String> names) {
        if (names.isEmpty()) {
            return "";
        }
        Map<String, List<String>> byBranch = new LinkedHashMap<>();
        for (String name : names) {
            Matcher branch = BRANCH_TENSOR.matcher(name);
            if (!branch.matches()) {
                return String.join(", ", names);
            }
            byBranch.computeIfAbsent(branch.group(1), b -> new ArrayList<>()).add(branch.group(2));
        }
        List<String> first = byBranch.values().iterator().next();
        if (!byBranch.values().stream().allMatch(first::equals)) {
            return String.join(", ", names);
        }
        return CLASS_BRANCHES
                + "{"
                + String.join(",", byBranch.keySet())
                + "}.{"
                + String.join(", ", first)
                + "}";
    }
}
