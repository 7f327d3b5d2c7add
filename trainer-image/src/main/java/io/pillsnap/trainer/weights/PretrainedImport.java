package io.pillsnap.trainer.weights;

import ai.djl.nn.Parameter;
import io.pillsnap.api.v1alpha1.spec.ClassifierFlavour;
import io.pillsnap.trainer.classifier.net.EfficientNetV2;
import io.pillsnap.trainer.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
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

    static final String KEY = "spec.model.classifier.pretrained";

    /** The classifier head: left as initialised when the file has none or another class count. */
    private static final Predicate<String> HEAD = name -> name.startsWith("classifier.");

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
                PretrainedFile.verify(KEY, file, expectedSha256, "docs/data.md#pretrained-weights");
        Map<String, WeightTensor> read;
        try {
            read = WeightFile.read(file);
        } catch (WeightFileException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        boolean torchvision = TorchvisionNames.matches(read);
        checkFlavour(file, torchvision, flavour);
        checkTimmPort(file, WeightFile.metadata(file), flavour);
        Map<String, WeightTensor> tensors = TensorFit.stateDictNames(read);
        Map<String, WeightTensor> named =
                torchvision ? TorchvisionNames.toTimm(tensors, network.config()) : tensors;
        Map<String, Parameter> parameters = network.namedParameters();
        TensorFit fit = TensorFit.check(named, parameters, HEAD, HEAD);
        fit.requireFit(
                KEY + ": " + file + " does not fit " + network.config().name() + ":",
                ". Published weights need the published table: check spec.model.classifier.arch"
                        + " (s, m or l as in the file name) and widthMultiplier/depthMultiplier"
                        + " 1.0");
        boolean headReinitialised = !fit.leftInitialised().isEmpty();
        int copied = 0;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            if (fit.leftInitialised().contains(entry.getKey())) {
                continue; // the head, left as initialised
            }
            entry.getValue().getArray().set(named.get(entry.getKey()).values());
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
            throw wrongFlavour(
                    file,
                    " has torchvision's tensor names, which need batch-norm epsilon 1e-3"
                            + " and torchvision's input normalisation: set"
                            + " spec.model.classifier.flavour: torchvision (it is "
                            + flavour.key()
                            + ")");
        }
        if (!torchvision && flavour == ClassifierFlavour.TORCHVISION) {
            throw wrongFlavour(
                    file,
                    " has timm's tensor names, not torchvision's: set"
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
            throw wrongFlavour(
                    file,
                    " is timm's port of the TensorFlow weights (tf_efficientnetv2_*, by its"
                            + " name or metadata), which need batch-norm epsilon 1e-3, TensorFlow"
                            + " 'same' padding and mean/std 0.5: set spec.model.classifier.flavour:"
                            + " timm-tf (it is timm)");
        }
        if (timmOwn && flavour == ClassifierFlavour.TIMM_TF) {
            throw wrongFlavour(
                    file,
                    " is timm's own EfficientNetV2 weights (efficientnetv2_*, by its name"
                            + " or metadata, not a tf_ port), which need PyTorch's batch-norm epsilon"
                            + " 1e-5, symmetric padding and ImageNet mean/std: set"
                            + " spec.model.classifier.flavour: timm (it is timm-tf)");
        }
    }

    /** The stage's flavour does not suit the file: the message names the file and the fix. */
    private static ConfigException wrongFlavour(Path file, String why) {
        return new ConfigException(KEY + ": " + file + why);
    }
}
