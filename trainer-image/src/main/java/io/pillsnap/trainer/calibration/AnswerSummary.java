package io.pillsnap.trainer.calibration;

/**
 * What a confidence threshold does to a set: how many photos get a drug named (confidence at or
 * above the threshold; the rest are answered "not sure") and how often that name is right.
 *
 * @param answered photos with confidence {@code >= threshold}
 * @param correctAnswered answered photos whose top-1 is right
 * @param coverage {@code answered / images}, 0 to 1
 * @param answeredPrecision {@code correctAnswered / answered}; null when nothing is answered (a
 *     precision of nothing is undefined, and 0 or 1 would each be a claim)
 */
public record AnswerSummary(
        double threshold,
        int images,
        int answered,
        int correctAnswered,
        double coverage,
        Double answeredPrecision) {}
