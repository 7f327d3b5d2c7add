package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The exported detector against the trained one on the same validation photos: the raw head
 * outputs, and the boxes both give after the shared decoder and non-maximum suppression.
 *
 * @param maxAbsDiff largest absolute difference of a raw head output
 * @param largestOutput largest absolute raw output of the trained model
 * @param tolerance allowed difference per unit of output scale, {@code max(1, largestOutput)}
 * @param boxes boxes the trained model found (confidence at least {@code confidence})
 * @param matchedBoxes of those, the ones the exported model found too at IoU {@code >= minIou}
 * @param worstIou the lowest IoU between a trained box and its exported match (1 when no box)
 * @param passed the raw difference is within tolerance and every box is matched, both ways
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DetectorExportCheck(
        int images,
        double maxAbsDiff,
        double largestOutput,
        double tolerance,
        double confidence,
        double minIou,
        int boxes,
        int exportedBoxes,
        int matchedBoxes,
        double worstIou,
        boolean passed) {}
