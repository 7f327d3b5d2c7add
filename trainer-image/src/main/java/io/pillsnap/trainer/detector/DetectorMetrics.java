package io.pillsnap.trainer.detector;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pillsnap.trainer.report.DetectionMetrics;
import java.util.List;

/**
 * The detector's part of {@code metrics.json}: its architecture, the chosen checkpoint on the
 * validation and test photos, the best epoch and every epoch's figures.
 */
public record DetectorMetrics(
        String architecture,
        int imageSize,
        SetFigures validation,
        @JsonInclude(JsonInclude.Include.NON_NULL) SetFigures test,
        int bestEpoch,
        int epochs,
        double trainImagesPerSecond,
        double wallSeconds,
        List<DetectorEpoch> history) {

    public static DetectorMetrics of(DetectorOutcome detector) {
        return new DetectorMetrics(
                detector.architecture(),
                detector.imageSize(),
                SetFigures.of(detector.validation()),
                detector.test() == null ? null : SetFigures.of(detector.test()),
                detector.state().bestEpoch(),
                detector.state().epochsDone(),
                detector.trainImagesPerSecond(),
                detector.wallSeconds(),
                detector.state().history());
    }

    /**
     * One set's figures, as {@code metrics.json} and {@code report/detector.json} write them; the
     * AP of a size no box has is null.
     */
    public record SetFigures(
            int images,
            int boxes,
            double mAP50,
            @JsonProperty("mAP50-95") double mAP50to95,
            double precision,
            double recall,
            double f1,
            double confidenceAtBestF1,
            Double apSmall,
            Double apMedium,
            Double apLarge) {

        public static SetFigures of(DetectionMetrics metrics) {
            return new SetFigures(
                    metrics.images(),
                    metrics.truths(),
                    metrics.mAP50(),
                    metrics.mAP50to95(),
                    metrics.precision(),
                    metrics.recall(),
                    metrics.f1(),
                    metrics.bestF1Confidence(),
                    nullIfNaN(metrics.apSmall()),
                    nullIfNaN(metrics.apMedium()),
                    nullIfNaN(metrics.apLarge()));
        }

        private static Double nullIfNaN(double value) {
            return Double.isNaN(value) ? null : value;
        }
    }

    /** {@code report/detector.json}: the chosen checkpoint on the validation and test photos. */
    record ReportFile(
            SetFigures validation, @JsonInclude(JsonInclude.Include.NON_NULL) SetFigures test) {}
}
