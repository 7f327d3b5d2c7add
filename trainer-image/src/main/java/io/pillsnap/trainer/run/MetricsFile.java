package io.pillsnap.trainer.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.pillsnap.trainer.classifier.ClassifierMetrics;
import io.pillsnap.trainer.detector.DetectorMetrics;

/**
 * {@code metrics.json} of a finished run: the classifier's figures at its top level, the detector's
 * and the two-stage pipeline's under their names; a task the run did not train is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record MetricsFile(
        @JsonUnwrapped ClassifierMetrics classifier,
        DetectorMetrics detector,
        PipelineEvaluation.Metrics pipeline) {}
