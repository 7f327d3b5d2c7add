package io.pillsnap.trainer.weights;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.pillsnap.api.v1alpha1.spec.ClassifierFlavour;
import io.pillsnap.trainer.classifier.net.EfficientNetV2;
import io.pillsnap.trainer.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a classifier from published weights: reads the file (safetensors or a torch.save state
 * dict), renames torchvision's tensors to timm's, checks every tensor by name and shape against the
 * model before touching it, and copies them in. The head is left freshly initialised when the file
 * has none or another class count; anything else that does not fit is an error that lists the first
 * names.
 */
public final class PretrainedImport {

    /** How many names an error lists. */
    private static final int SHOWN = 5;

    private static final Logger log = LoggerFactory.getLogger(PretrainedImport.class);

    /**
     * @param naming timm or torchvision
     * @param headReinitialised the file's head did not fit (or was absent) and was left as
     *     initialised
     */
    public record Imported(
            Path file, String sha256, String naming, int tensors, boolean headReinitialised) {}

    private PretrainedImport() {}

    public static Imported apply(
            EfficientNetV2 network, ClassifierFlavour flavour, Path file, String expectedSha256) {
        String sha256 =
                PretrainedFile.verify(
                        "spec.model.classifier.pretrained",
                        file,
                        expectedSha256,
                        "docs/data.md#pretrained-weights");
        Map<String, WeightTensor> read;
        try {
            read = WeightFile.read(file);
        } catch (WeightFileException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        boolean torchvision = TorchvisionNames.matches(read);
        checkFlavour(file, torchvision, flavour);
        checkTimmPort(file, WeightFile.metadata(file), flavour);
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        read.forEach(
                (name, tensor) -> {
                    String key = name.startsWith("module.") ? name.substring(7) : name;
                    if (!key.endsWith(".num_batches_tracked")) {
                        tensors.put(key, tensor);
                    }
                });
        Map<String, WeightTensor> named =
                torchvision ? TorchvisionNames.toTimm(tensors, network.config()) : tensors;
        Map<String, Parameter> parameters = network.namedParameters();
        boolean headReinitialised = check(file, named, parameters, network);
        int copied = 0;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            WeightTensor tensor = named.get(entry.getKey());
            if (tensor == null || !fits(tensor, entry.getValue())) {
                continue; // the head, left as initialised
            }
            entry.getValue().getArray().set(tensor.values());
            copied++;
        }
        Imported imported =
                new Imported(
                        file,
                        sha256,
                        torchvision ? "torchvision" : "timm",
                        copied,
                        headReinitialised);
        log.info(
                "pretrained: {} tensors from {} ({} names, flavour {}, sha256 {}){}",
                copied,
                file,
                imported.naming(),
                flavour.key(),
                sha256,
                headReinitialised
                        ? "; classifier head re-initialised for this stage's classes"
                        : "");
        return imported;
    }

    private static void checkFlavour(Path file, boolean torchvision, ClassifierFlavour flavour) {
        if (torchvision && flavour != ClassifierFlavour.TORCHVISION) {
            throw new ConfigException(
                    "spec.model.classifier.pretrained: "
                            + file
                            + " has torchvision's tensor names, which need batch-norm epsilon 1e-3"
                            + " and torchvision's input normalisation: set"
                            + " spec.model.classifier.flavour: torchvision (it is "
                            + flavour.key()
                            + ")");
        }
        if (!torchvision && flavour == ClassifierFlavour.TORCHVISION) {
            throw new ConfigException(
                    "spec.model.classifier.pretrained: "
                            + file
                            + " has timm's tensor names, not torchvision's: set"
                            + " spec.model.classifier.flavour to timm-tf (timm's"
                            + " tf_efficientnetv2_* weights) or timm");
        }
    }

    /**
     * timm publishes two families under the same tensor names: its ports of the TensorFlow weights
     * ({@code tf_efficientnetv2_*}: epsilon 1e-3, TensorFlow "same" padding, mean/std 0.5) and its
     * own ({@code efficientnetv2_*}: PyTorch's numbers). Where the file's name or metadata says
     * which, the stage's flavour must agree: the other one computes something else without failing.
     */
    static void checkTimmPort(Path file, Map<String, String> metadata, ClassifierFlavour flavour) {
        String marks =
                (file.getFileName() + " " + String.join(" ", metadata.values()))
                        .toLowerCase(java.util.Locale.ROOT);
        boolean tfPort = marks.contains("tf_efficientnet");
        boolean timmOwn =
                !tfPort
                        && java.util.regex.Pattern.compile("(^|[^a-z_])efficientnetv2_")
                                .matcher(marks)
                                .find();
        if (tfPort && flavour == ClassifierFlavour.TIMM) {
            throw new ConfigException(
                    "spec.model.classifier.pretrained: "
                            + file
                            + " is timm's port of the TensorFlow weights (tf_efficientnetv2_*, by its"
                            + " name or metadata), which need batch-norm epsilon 1e-3, TensorFlow"
                            + " 'same' padding and mean/std 0.5: set spec.model.classifier.flavour:"
                            + " timm-tf (it is timm)");
        }
        if (timmOwn && flavour == ClassifierFlavour.TIMM_TF) {
            throw new ConfigException(
                    "spec.model.classifier.pretrained: "
                            + file
                            + " is timm's own EfficientNetV2 weights (efficientnetv2_*, by its name"
                            + " or metadata, not a tf_ port), which need PyTorch's batch-norm epsilon"
                            + " 1e-5, symmetric padding and ImageNet mean/std: set"
                            + " spec.model.classifier.flavour: timm (it is timm-tf)");
        }
    }

    /** Fails listing what does not fit; returns whether the head will be left initialised. */
    private static boolean check(
            Path file,
            Map<String, WeightTensor> named,
            Map<String, Parameter> parameters,
            EfficientNetV2 network) {
        List<String> missing = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        boolean headReinitialised = false;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            String name = entry.getKey();
            boolean head = name.startsWith("classifier.");
            WeightTensor tensor = named.get(name);
            if (tensor == null) {
                if (head) {
                    headReinitialised = true;
                } else {
                    missing.add(name);
                }
            } else if (!fits(tensor, entry.getValue())) {
                if (head) {
                    headReinitialised = true;
                } else {
                    shapes.add(
                            name
                                    + " (file "
                                    + Arrays.toString(tensor.shape())
                                    + ", model "
                                    + entry.getValue().getArray().getShape()
                                    + ")");
                }
            }
        }
        List<String> unexpected =
                named.keySet().stream().filter(name -> !parameters.containsKey(name)).toList();
        if (missing.isEmpty() && shapes.isEmpty() && unexpected.isEmpty()) {
            return headReinitialised;
        }
        StringBuilder message =
                new StringBuilder("spec.model.classifier.pretrained: ")
                        .append(file)
                        .append(" does not fit ")
                        .append(network.config().name())
                        .append(":");
        describe(message, missing, "missing from the file");
        describe(message, shapes, "with another shape");
        describe(message, unexpected, "in the file but not in the model");
        message.setLength(message.length() - 1);
        message.append(
                ". Published weights need the published table: check spec.model.classifier.arch"
                        + " (s, m or l as in the file name) and widthMultiplier/depthMultiplier"
                        + " 1.0");
        throw new ConfigException(message.toString());
    }

    /** Appends " N tensors what (first names, ...);" when there are any. */
    static void describe(StringBuilder message, List<String> names, String what) {
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

    private static boolean fits(WeightTensor tensor, Parameter parameter) {
        return new Shape(tensor.shape()).equals(parameter.getArray().getShape());
    }
}
