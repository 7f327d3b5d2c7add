package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The YOLO11 family, nano to extra large. */
public enum DetectorArch {
    @JsonProperty("yolo11n")
    YOLO11N,
    @JsonProperty("yolo11s")
    YOLO11S,
    @JsonProperty("yolo11m")
    YOLO11M,
    @JsonProperty("yolo11l")
    YOLO11L,
    @JsonProperty("yolo11x")
    YOLO11X
}
