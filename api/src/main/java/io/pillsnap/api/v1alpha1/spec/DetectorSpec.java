package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
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
                Double widthMultiplier) {

    public static final int DEFAULT_IMAGE_SIZE = 640;

    public DetectorSpec {
        arch = Objects.requireNonNullElse(arch, DetectorArch.YOLO11M);
        imageSize = Objects.requireNonNullElse(imageSize, DEFAULT_IMAGE_SIZE);
        widthMultiplier = Objects.requireNonNullElse(widthMultiplier, 1.0);
    }

    public static DetectorSpec defaults() {
        return new DetectorSpec(null, null, null);
    }
}
