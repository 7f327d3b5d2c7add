package io.pillsnap.trainer.detector;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * One detector epoch: mean training loss terms (summed over the batch, as the reference logs them)
 * and the weight average's scores on the validation photos.
 *
 * @param skippedSteps steps whose gradients were not finite and were skipped
 */
@RecordBuilder
public record DetectorEpoch(
        int epoch,
        double boxLoss,
        double classLoss,
        double dflLoss,
        double mAP50,
        double mAP50to95,
        double precision,
        double recall,
        double learningRate,
        double imagesPerSecond,
        double seconds,
        int skippedSteps) {

    /** The reference's checkpoint fitness: 0.1 mAP50 + 0.9 mAP50-95. */
    public double fitness() {
        return 0.1 * mAP50 + 0.9 * mAP50to95;
    }
}
