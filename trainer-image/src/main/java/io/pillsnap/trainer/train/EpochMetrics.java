package io.pillsnap.trainer.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What one epoch did, as logged, written to metrics.json and to TensorBoard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double learningRate,
        double imagesPerSecond,
        double seconds,
        double valLoss,
        double top1,
        double top5,
        double macroF1) {}
