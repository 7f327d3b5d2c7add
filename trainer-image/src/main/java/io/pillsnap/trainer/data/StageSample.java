package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.ClassMap;
import java.util.List;

/**
 * The pictures a stage trains and validates on, with the class map and the manifest listing them
 * (relative paths, sorted), whose SHA-256 identifies the data in the model's lineage.
 */
public record StageSample(
        ClassMap classes,
        List<Sample> train,
        List<Sample> val,
        List<LabelledImage> combinationTrain,
        List<LabelledImage> combinationVal,
        String manifest,
        String manifestSha256,
        SkipReport skipped) {}
