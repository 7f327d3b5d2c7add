package io.pillsnap.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A snapshot of a run for /progress (JSON) and the operator's status: what phase, which epoch, how
 * fast, how good so far, how long to go.
 *
 * @param task the task this snapshot is about ("classifier", "detector"); null before training
 * @param tasks when a run trains two tasks, the latest snapshot of each (the top-level fields are
 *     the most recent of them); null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RecordBuilder
public record TrainingProgress(
        String stage,
        String runId,
        String phase,
        int epoch,
        int epochs,
        int batch,
        int batches,
        Double loss,
        Double learningRate,
        Double imagesPerSecond,
        Double bestTop1,
        Long etaSeconds,
        String updated,
        String task,
        java.util.List<TrainingProgress> tasks)
        implements TrainingProgressBuilder.With {

    public static final String PREPARING = "preparing";
    public static final String TRAINING = "training";
    public static final String EVALUATING = "evaluating";
    public static final String EXPORTING = "exporting";
    public static final String DONE = "done";
    public static final String FAILED = "failed";
}
