package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
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
                Double dropPathRate) {

    public static final int DEFAULT_IMAGE_SIZE = 384;

    public ClassifierSpec {
        arch = Objects.requireNonNullElse(arch, ClassifierArch.EFFICIENTNETV2_S);
        imageSize = Objects.requireNonNullElse(imageSize, DEFAULT_IMAGE_SIZE);
        widthMultiplier = Objects.requireNonNullElse(widthMultiplier, 1.0);
        depthMultiplier = Objects.requireNonNullElse(depthMultiplier, 1.0);
        dropout = Objects.requireNonNullElse(dropout, 0.3);
        dropPathRate = Objects.requireNonNullElse(dropPathRate, 0.2);
    }

    public static ClassifierSpec defaults() {
        return new ClassifierSpec(null, null, null, null, null, null);
    }
}
