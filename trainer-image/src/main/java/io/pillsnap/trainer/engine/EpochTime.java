package io.pillsnap.trainer.engine;

/**
 * Where an epoch's time went.
 *
 * @param trainSeconds time spent in the epoch's steps (this process's part of a resumed epoch)
 * @param evalSeconds time spent validating after it
 * @param imagesPerSecond training pictures per second of step time
 * @param step batches trained over all epochs at its end
 * @param stepTimes data against compute time, as {@link StepTimes#describe()} says it
 */
public record EpochTime(
        double trainSeconds,
        double evalSeconds,
        double imagesPerSecond,
        long step,
        String stepTimes) {}
