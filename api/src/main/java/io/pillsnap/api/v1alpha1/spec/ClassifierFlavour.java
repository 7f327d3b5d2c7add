package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.api.artifact.Preprocessing;

/**
 * Where a classifier's weights come from, which fixes the numbers they need (see {@link
 * ModelFlavour}): timm's own PyTorch weights, timm's ports of the TensorFlow originals ({@code
 * tf_efficientnetv2_*}), or torchvision's.
 */
public enum ClassifierFlavour {
    /** timm's PyTorch defaults: epsilon 1e-5, symmetric padding, ImageNet mean/std. */
    @JsonProperty("timm")
    TIMM,
    /** timm's tf_ ports: epsilon 1e-3, TensorFlow "same" padding, mean/std 0.5. */
    @JsonProperty("timm-tf")
    TIMM_TF,
    /** torchvision: epsilon 1e-3, symmetric padding; mean/std 0.5 for V2-L, ImageNet for S/M. */
    @JsonProperty("torchvision")
    TORCHVISION;

    public String key() {
        return switch (this) {
            case TIMM -> "timm";
            case TIMM_TF -> "timm-tf";
            case TORCHVISION -> "torchvision";
        };
    }

    /** The numbers of this flavour for one variant (torchvision normalises V2-L differently). */
    public ModelFlavour resolve(ClassifierArch arch) {
        return switch (this) {
            case TIMM -> ModelFlavour.timm();
            case TIMM_TF ->
                    new ModelFlavour(
                            key(),
                            1e-3,
                            ModelFlavour.TF_SAME,
                            ModelFlavour.HALF,
                            ModelFlavour.HALF);
            case TORCHVISION ->
                    arch == ClassifierArch.EFFICIENTNETV2_L
                            ? new ModelFlavour(
                                    key(),
                                    1e-3,
                                    ModelFlavour.SYMMETRIC,
                                    ModelFlavour.HALF,
                                    ModelFlavour.HALF)
                            : new ModelFlavour(
                                    key(),
                                    1e-3,
                                    ModelFlavour.SYMMETRIC,
                                    Preprocessing.IMAGENET_MEAN,
                                    Preprocessing.IMAGENET_STD);
        };
    }
}
