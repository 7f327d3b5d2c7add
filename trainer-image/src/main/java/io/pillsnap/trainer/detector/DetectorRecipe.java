package io.pillsnap.trainer.detector;

import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.api.v1alpha1.spec.Optimizer;

/**
 * The reference's detection recipe as pure functions: the auto optimizer, the warm-up and linear
 * decay of the learning rates and momentum, gradient accumulation up to the nominal batch, the
 * weight average's ramp, the detector's own patience and the share of skipped steps a run allows.
 */
public final class DetectorRecipe {

    static final int WARMUP_EPOCHS = 3;
    static final int MIN_WARMUP_STEPS = 100;
    static final double WARMUP_BIAS_RATE = 0.1;
    static final double WARMUP_MOMENTUM = 0.8;
    static final double MOMENTUM = 0.937;
    static final double FINAL_RATE_FRACTION = 0.01;
    static final float WEIGHT_DECAY = 5e-4f;
    static final double EMA_DECAY = 0.9999;
    static final double EMA_RAMP_STEPS = 2000;

    /** Steps may skip non-finite gradients; more than this share of a run's steps fails it. */
    static final double MAX_SKIPPED_SHARE = 0.01;

    /** The reference's "auto" optimizer: SGD for long runs, AdamW for short ones. */
    static final long AUTO_SGD_ABOVE_STEPS = 10_000;

    static final double AUTO_SGD_RATE = 0.01;
    static final double AUTO_ADAMW_RATE = 0.002;
    static final int DEFAULT_BATCH = 16;

    private DetectorRecipe() {}

    /**
     * A run's learning-rate schedule: {@link #rates} at a peak {@code rate}, warming up over {@code
     * warmupSteps} batches, the biases from {@code warmupBiasRate}.
     */
    record Schedule(double rate, double warmupBiasRate, long warmupSteps, int epochs) {

        /** {weights' rate, biases' rate, momentum} at batch {@code step} of epoch {@code epoch}. */
        float[] at(long step, int epoch) {
            return rates(rate, epoch, epochs, step, warmupSteps, warmupBiasRate);
        }
    }

    /**
     * The stage's optimizer, or the reference's auto choice: SGD when the run makes more than
     * 10,000 optimizer steps of the nominal batch (ceil(photos / max(batch, 64)) per epoch), else
     * AdamW.
     */
    static Optimizer chooseOptimizer(
            DetectorSpec spec, int epochs, int trainPhotos, int batchSize) {
        if (spec.optimizer() != null) {
            return spec.optimizer();
        }
        long perEpoch =
                (trainPhotos + Math.max(batchSize, spec.nominalBatch()) - 1L)
                        / Math.max(batchSize, spec.nominalBatch());
        return perEpoch * epochs > AUTO_SGD_ABOVE_STEPS ? Optimizer.SGD : Optimizer.ADAMW;
    }

    /** The peak learning rate: the stage's, else the auto optimizer's. */
    static double peakRate(DetectorSpec spec, Optimizer optimizer) {
        if (spec.learningRate() != null) {
            return spec.learningRate();
        }
        return optimizer == Optimizer.SGD ? AUTO_SGD_RATE : AUTO_ADAMW_RATE;
    }

    /** Warm-up steps: max(3 epochs, 100 steps). */
    static long warmupSteps(int batchesPerEpoch) {
        return Math.max((long) WARMUP_EPOCHS * batchesPerEpoch, MIN_WARMUP_STEPS);
    }

    /**
     * Learning rates of weights and biases and the SGD momentum at batch {@code step} of epoch
     * {@code epoch}: the reference's linear warm-up over {@code warmupSteps} (weights from 0,
     * biases from {@code warmupBiasRate}, momentum from 0.8), then a linear decay per epoch to 1%
     * of {@code rate}.
     */
    static float[] rates(
            double rate,
            int epoch,
            int epochs,
            long step,
            long warmupSteps,
            double warmupBiasRate) {
        double decayed =
                rate
                        * ((1 - epoch / (double) epochs) * (1 - FINAL_RATE_FRACTION)
                                + FINAL_RATE_FRACTION);
        if (step >= warmupSteps) {
            return new float[] {(float) decayed, (float) decayed, (float) MOMENTUM};
        }
        double t = (double) step / warmupSteps;
        return new float[] {
            (float) (decayed * t),
            (float) (warmupBiasRate + (decayed - warmupBiasRate) * t),
            (float) (WARMUP_MOMENTUM + (MOMENTUM - WARMUP_MOMENTUM) * t)
        };
    }

    /**
     * Whether the detector stops early at {@code state}: no better fitness for its own patience
     * (spec.model.detector.patience), and never inside the mosaic-free last epochs, which run to
     * the end once begun.
     */
    static boolean stale(DetectorSpec spec, int epochs, DetectorState state) {
        boolean closingMosaic =
                spec.mosaic() > 0
                        && spec.closeMosaicEpochs() > 0
                        && state.epochsDone() >= epochs - spec.closeMosaicEpochs();
        return spec.patience() > 0
                && state.epochsWithoutImprovement() >= spec.patience()
                && !closingMosaic;
    }

    /** More than 1% of {@code steps} skipped for non-finite gradients. */
    static boolean tooManySkipped(long skipped, long steps) {
        return skipped > MAX_SKIPPED_SHARE * steps;
    }

    /** Batches per optimizer step after warm-up: round(nominal / batch), at least 1. */
    static int accumulation(int nominal, int batchSize) {
        return Math.max((int) Math.rint((double) nominal / batchSize), 1);
    }

    /**
     * Batches per optimizer step at batch {@code step}: during warm-up the reference ramps it
     * linearly from 1 to nominal / batch (rounded half to even, as numpy), then {@link
     * #accumulation}.
     */
    static int accumulationAt(long step, long warmupSteps, int nominal, int batchSize) {
        if (step >= warmupSteps) {
            return accumulation(nominal, batchSize);
        }
        double ramp = 1 + ((double) nominal / batchSize - 1) * step / warmupSteps;
        return Math.max(1, (int) Math.rint(ramp));
    }

    /** The reference's EMA decay, ramped up over the first steps. */
    static float averageDecay(long updates) {
        return (float) (EMA_DECAY * (1 - Math.exp(-updates / EMA_RAMP_STEPS)));
    }
}
