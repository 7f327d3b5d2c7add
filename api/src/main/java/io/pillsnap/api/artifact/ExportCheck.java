package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The exported model against the trained one on the same validation images.
 *
 * @param maxAbsDiff largest absolute difference of a logit between the two
 * @param largestLogit largest absolute logit of the trained model: float32 rounding grows with it
 * @param tolerance allowed difference per unit of logit scale, {@code max(1, largestLogit)}
 * @param passed every top-1 agrees and {@code maxAbsDiff <= tolerance * max(1, largestLogit)}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportCheck(
        int images,
        double maxAbsDiff,
        double largestLogit,
        double top1Agreement,
        double tolerance,
        boolean passed) {

    /** The difference allowed for logits as large as {@code largestLogit}. */
    public static double allowed(double tolerance, double largestLogit) {
        return tolerance * Math.max(1.0, largestLogit);
    }
}
