package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import java.util.Objects;

/** The pill detector used in combination mode (stages 3 and 4). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DetectorSpec(
        @Default("yolo11m")
                @JsonPropertyDescription("YOLO11 variant: yolo11n, s, m, l or x. Default: yolo11m.")
                DetectorArch arch,
        @Default("640")
                @Min(64)
                @Max(1536)
                @JsonPropertyDescription(
                        "Square input size in pixels, a multiple of 32. Default: 640.")
                Integer imageSize,
        @Default("1.0")
                @Min(0.05)
                @Max(4.0)
                @JsonPropertyDescription(
                        "Channel multiplier on top of the variant's (1.0 = as published).")
                Double widthMultiplier,
        @Default("1.0")
                @Min(0.05)
                @Max(4.0)
                @JsonPropertyDescription(
                        "Block-repeat multiplier on top of the variant's (1.0 = as published).")
                Double depthMultiplier,
        @JsonPropertyDescription(
                        "adamw or sgd (Nesterov momentum 0.937). Default: as the reference"
                                + " chooses, AdamW (lr 0.002, momentum 0.9) for runs under"
                                + " 10,000 steps, else SGD (lr 0.01).")
                Optimizer optimizer,
        @Min(1e-7)
                @Max(1.0)
                @JsonPropertyDescription(
                        "Peak learning rate of the detector. Default: the optimizer's (see"
                                + " optimizer).")
                Double learningRate,
        @Default("1.0")
                @Min(0.0)
                @Max(1.0)
                @JsonPropertyDescription(
                        "Share of training pictures built as a mosaic of four photos; off for the"
                                + " last closeMosaicEpochs. Default: 1.0, as the reference.")
                Double mosaic,
        @Default("10")
                @Min(0)
                @JsonPropertyDescription("Epochs at the end trained without mosaic. Default: 10.")
                Integer closeMosaicEpochs,
        @Default("0.0")
                @Min(0.0)
                @Max(1.0)
                @JsonPropertyDescription(
                        "Share of the stage's single-pill training photos added to the"
                                + " detector's training photos with their one box, as the"
                                + " original pretrained on them. Default: 0 (combination photos"
                                + " only).")
                Double singlePhotoFraction,
        @Default("100")
                @Min(0)
                @JsonPropertyDescription(
                        "Stop the detector after this many epochs without a better validation"
                                + " fitness (0.1 mAP50 + 0.9 mAP50-95); never during the last"
                                + " closeMosaicEpochs, which then run to the end; 0 disables."
                                + " The detector's own, as the reference's: spec.training."
                                + "earlyStoppingPatience is the classifier's. Default: 100.")
                Integer patience,
        @Default("64")
                @Min(1)
                @Max(1024)
                @JsonPropertyDescription(
                        "Images per optimizer step (the reference's nbs): the gradients of"
                                + " round(nominalBatch / batch) batches are accumulated, at least"
                                + " one, ramped up from one during warm-up, and the weight decay"
                                + " is scaled by batch x accumulated / nominalBatch. Default: 64.")
                Integer nominalBatch,
        @Pattern("^[^\\s]+\\.(pt|pth|safetensors)$")
                @JsonPropertyDescription(
                        "Weights to start from: a yolo11n.pt ... yolo11x.pt as Ultralytics"
                                + " publishes it (a pickled model in float16, read as data: no"
                                + " pickle code runs), or a state dict with Ultralytics' tensor"
                                + " names (torch.save .pt/.pth, or .safetensors) of the same arch"
                                + " at widthMultiplier and depthMultiplier 1.0. A relative path is"
                                + " read from the dataset folder (the data claim's dataset.path);"
                                + " an absolute path is inside the trainer container. The class"
                                + " branch tensors sized by the class count are re-initialised"
                                + " when it differs (COCO's 80 classes against the detector's one)."
                                + " Ignored when a resumed checkpoint supplies the weights.")
                String pretrained,
        @Pattern("^[0-9a-f]{64}$")
                @JsonPropertyDescription(
                        "Expected SHA-256 of the detector's pretrained file (lowercase hex); the"
                                + " run fails before training when the file differs.")
                String pretrainedSha256) {

    public static final int DEFAULT_IMAGE_SIZE = 640;

    public DetectorSpec {
        arch = Objects.requireNonNullElse(arch, DetectorArch.YOLO11M);
        imageSize = Objects.requireNonNullElse(imageSize, DEFAULT_IMAGE_SIZE);
        widthMultiplier = Objects.requireNonNullElse(widthMultiplier, 1.0);
        depthMultiplier = Objects.requireNonNullElse(depthMultiplier, 1.0);
        mosaic = Objects.requireNonNullElse(mosaic, 1.0);
        closeMosaicEpochs = Objects.requireNonNullElse(closeMosaicEpochs, 10);
        singlePhotoFraction = Objects.requireNonNullElse(singlePhotoFraction, 0.0);
        patience = Objects.requireNonNullElse(patience, 100);
        nominalBatch = Objects.requireNonNullElse(nominalBatch, 64);
    }

    public static DetectorSpec defaults() {
        return new DetectorSpec(
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
