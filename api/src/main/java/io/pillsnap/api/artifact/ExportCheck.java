package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The exported model against the trained one on the same validation images. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportCheck(
        int images, double maxAbsDiff, double top1Agreement, double tolerance, boolean passed) {}
