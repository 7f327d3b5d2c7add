package io.pillsnap.api.gate;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.spec.EvaluationSet;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import java.util.Map;

/**
 * Everything a run measured, as the gate reads it: the best checkpoint on the validation split
 * (with the run-level latencyP95Ms and throughput) and, when the dataset has a test set, the same
 * checkpoint on it. Also how the two are shown in a stage's status and read back from it.
 *
 * @param validation null when the run reported nothing usable
 * @param test null when the run reported no test metrics
 */
public record RunMetrics(StageMetrics validation, StageMetrics test) {

    /** A run with no usable metrics: every criterion is missing. */
    public static RunMetrics none() {
        return new RunMetrics(null, null);
    }

    public static RunMetrics of(TrainerResult result) {
        StageMetrics validation = StageMetrics.of(EvaluationSet.VALIDATION, result.knownMetrics());
        StageMetrics test =
                result.knownTestMetrics().isEmpty()
                        ? null
                        : StageMetrics.of(EvaluationSet.TEST, result.knownTestMetrics())
                                .qualityOnly();
        return new RunMetrics(validation, test);
    }

    /** The metrics of a finished run from what {@link #statusMetrics()} and co. wrote. */
    public static RunMetrics fromStatus(StageMetrics metrics, StageMetrics validationMetrics) {
        if (metrics == null) {
            return none();
        }
        if (metrics.evaluatedOn() != EvaluationSet.TEST) {
            return new RunMetrics(metrics, null);
        }
        StageMetrics validation =
                validationMetrics == null
                        ? StageMetrics.of(EvaluationSet.VALIDATION, Map.of())
                        : validationMetrics;
        return new RunMetrics(validation.withRunLevelOf(metrics), metrics.qualityOnly());
    }

    public boolean hasTest() {
        return test != null;
    }

    /**
     * status.metrics, the headline of {@code kubectl get}: the test metrics when the run reported
     * any, else the validation metrics; with the run-level metrics either way.
     */
    public StageMetrics statusMetrics() {
        return hasTest() ? test.withRunLevelOf(validation) : validation;
    }

    /** status.validationMetrics: the validation metrics when the headline is the test set's. */
    public StageMetrics statusValidationMetrics() {
        return hasTest() && validation != null ? validation.qualityOnly() : null;
    }
}
