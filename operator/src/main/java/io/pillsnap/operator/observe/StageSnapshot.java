package io.pillsnap.operator.observe;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One observation of everything a stage's decisions depend on: the stage, what runs for it, its
 * predecessors, what serves its track, its trainer's newest progress and the time.
 *
 * @param progress the newest /progress of the trainer of the current attempt, read off the
 *     reconcile threads; null when it has not answered
 */
public record StageSnapshot(
        PillsnapStage stage,
        ObservedRun run,
        List<PredecessorState> predecessors,
        ObservedServing serving,
        ProgressStatus progress,
        Instant now) {

    public PillsnapStageStatus status() {
        return Objects.requireNonNullElseGet(stage.getStatus(), PillsnapStageStatus::empty);
    }

    public String name() {
        return stage.getMetadata().getName();
    }

    public long generation() {
        return Objects.requireNonNullElse(stage.getMetadata().getGeneration(), 0L);
    }

    public boolean deleting() {
        return stage.isMarkedForDeletion();
    }

    public String annotation(String key) {
        var annotations = stage.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
