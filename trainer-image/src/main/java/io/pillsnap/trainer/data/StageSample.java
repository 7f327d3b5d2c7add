package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.ClassMap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The pictures a stage trains and validates on, with the class map and the manifest listing them
 * (relative paths, sorted), whose SHA-256 identifies the data in the model's lineage.
 *
 * @param singleBoxes the labelled box(es) of each sampled single-pill photo, by its path
 */
public record StageSample(
        ClassMap classes,
        List<Sample> train,
        List<Sample> val,
        List<LabelledImage> combinationTrain,
        List<LabelledImage> combinationVal,
        Map<Path, List<LabelledImage.Box>> singleBoxes,
        String manifest,
        String manifestSha256,
        SkipReport skipped) {}
