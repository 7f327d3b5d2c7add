package io.pillsnap.trainer.classifier;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.soabase.recordbuilder.core.RecordBuilder;

/** What one epoch did, as logged, written to metrics.json and to TensorBoard. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RecordBuilder
public record ClassifierEpoch(
        int epoch,
        double trainLoss,
        double learningRate,
        double imagesPerSecond,
        double seconds,
        double valLoss,
        double top1,
        double top5,
        double macroF1) {}
