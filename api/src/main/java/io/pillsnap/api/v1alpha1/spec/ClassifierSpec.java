package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** The classifier: an EfficientNetV2, optionally scaled down for CPU runs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassifierSpec(
        @Default("efficientnetv2-s")
                @JsonPropertyDescription(
                        "EfficientNetV2 variant: efficientnetv2-s, efficientnetv2-m or"
                                + " efficientnetv2-l. Default: efficientnetv2-s.")
                ClassifierArch arch,
        @Default("384")
                @Min(32)
                @Max(1024)
                @JsonPropertyDescription("Square input size in pixels. Default: 384.")
                Integer imageSize,
        @Default("1.0")
                @Min(0.05)
                @Max(4.0)
                @JsonPropertyDescription(
                        "Channel multiplier applied to the variant's table (1.0 = as published)."
                                + " Small values make CPU-sized models.")
                Double widthMultiplier,
        @Default("1.0")
                @Min(0.05)
                @Max(4.0)
                @JsonPropertyDescription(
                        "Layer-count multiplier applied to the variant's table (1.0 = as"
                                + " published).")
                Double depthMultiplier,
        @Default("0.3")
                @Min(0.0)
                @Max(0.9)
                @JsonPropertyDescription("Dropout before the classifier head. Default: 0.3.")
                Double dropout,
        @Default("0.2")
                @Min(0.0)
                @Max(0.9)
                @JsonPropertyDescription("Stochastic depth rate of the last block. Default: 0.2.")
                Double dropPathRate,
        @Default("timm")
                @JsonPropertyDescription(
                        "Which numbers the weights need: timm (batch-norm epsilon 1e-5, PyTorch"
                                + " padding, ImageNet mean/std), timm-tf (timm's tf_efficientnetv2"
                                + " ports: epsilon 1e-3, TensorFlow 'same' padding, mean/std 0.5) or"
                                + " torchvision (epsilon 1e-3, PyTorch padding, mean/std 0.5 for"
                                + " V2-L and ImageNet for S/M). Set it to the flavour of the"
                                + " pretrained file; a stage that initFrom another must use the"
                                + " same flavour. Default: timm.")
                ClassifierFlavour flavour,
        @Pattern("^[^\\s]+\\.(safetensors|pth|pt|bin)$")
                @JsonPropertyDescription(
                        "ImageNet-pretrained weights to start from: a safetensors file with timm's"
                                + " names or a torch.save state dict (.pth/.pt) with timm's or"
                                + " torchvision's names. A relative path is read from the dataset"
                                + " folder (the data claim's dataset.path); an absolute path is"
                                + " inside the trainer container (e.g. /artifacts/pretrained/...)."
                                + " The head is re-initialised when the class count differs."
                                + " Ignored when initFrom or a resumed checkpoint supplies the"
                                + " weights.")
                String pretrained,
        @Pattern("^[0-9a-f]{64}$")
                @JsonPropertyDescription(
                        "Expected SHA-256 of the pretrained file (lowercase hex); the run fails"
                                + " before training when the file differs.")
                String pretrainedSha256) {

    public static final int DEFAULT_IMAGE_SIZE = 384;

    public ClassifierSpec {
        arch = Objects.requireNonNullElse(arch, ClassifierArch.EFFICIENTNETV2_S);
        imageSize = Objects.requireNonNullElse(imageSize, DEFAULT_IMAGE_SIZE);
        widthMultiplier = Objects.requireNonNullElse(widthMultiplier, 1.0);
        depthMultiplier = Objects.requireNonNullElse(depthMultiplier, 1.0);
        dropout = Objects.requireNonNullElse(dropout, 0.3);
        dropPathRate = Objects.requireNonNullElse(dropPathRate, 0.2);
        flavour = Objects.requireNonNullElse(flavour, ClassifierFlavour.TIMM);
    }

    public static ClassifierSpec defaults() {
        return new ClassifierSpec(null, null, null, null, null, null, null, null, null);
    }
}
