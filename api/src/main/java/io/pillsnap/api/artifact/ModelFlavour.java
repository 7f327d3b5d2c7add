package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The numbers a set of weights was trained with, beyond its tensors: batch-norm epsilon, how
 * convolutions pad, and the input normalisation. Imported weights compute what they computed where
 * they were trained only with the same numbers, so the trainer, the ONNX export and the inference
 * server all read them from here (the manifest records them).
 *
 * @param name timm, timm-tf or torchvision
 * @param padding {@value #SYMMETRIC} (PyTorch: kernel / 2 on every side) or {@value #TF_SAME}
 *     (TensorFlow "same": output ceil(input / stride), the odd pixel of padding at the end)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelFlavour(
        String name, double batchNormEpsilon, String padding, List<Double> mean, List<Double> std) {

    public static final String SYMMETRIC = "symmetric";
    public static final String TF_SAME = "tf-same";
    public static final List<Double> HALF = List.of(0.5, 0.5, 0.5);

    public ModelFlavour {
        if (!SYMMETRIC.equals(padding) && !TF_SAME.equals(padding)) {
            throw new IllegalArgumentException(
                    "padding must be " + SYMMETRIC + " or " + TF_SAME + ", not " + padding);
        }
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    /** What our models computed before flavours existed: PyTorch defaults, ImageNet statistics. */
    public static ModelFlavour timm() {
        return new ModelFlavour(
                "timm", 1e-5, SYMMETRIC, Preprocessing.IMAGENET_MEAN, Preprocessing.IMAGENET_STD);
    }

    @JsonIgnore
    public boolean tfSamePadding() {
        return TF_SAME.equals(padding);
    }

    /** The input recipe of a model of this flavour at {@code imageSize}. */
    public Preprocessing preprocessing(int imageSize) {
        return new Preprocessing(imageSize, Preprocessing.RESIZE, "RGB", "NCHW", mean, std);
    }
}
