package io.pillsnap.trainer.detector;

import io.pillsnap.api.artifact.DetectorExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * What the detector task of a run produced.
 *
 * @param test the best checkpoint on the dataset's held-out combination photos; null without them
 * @param testPhotos photos of the test set; null without one
 */
@RecordBuilder
public record DetectorOutcome(
        String architecture,
        int imageSize,
        DetectorState state,
        DetectionMetrics validation,
        DetectionMetrics test,
        DetectorExportCheck exportCheck,
        ModelFile model,
        int trainPhotos,
        int valPhotos,
        Integer testPhotos,
        double trainImagesPerSecond,
        double wallSeconds) {}
