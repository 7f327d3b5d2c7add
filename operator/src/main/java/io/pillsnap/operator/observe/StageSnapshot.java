package io.pillsnap.operator.observe;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One observation of everything a stage's decisions depend on: the stage, what runs for it, its
 * predecessors, what serves its track, its trainer's progress (when polled in this pass) and the
 * time.
 *
 * @param polledProgress the trainer's /progress read in this pass; null when not polled
 */
public record StageSnapshot(
        PillsnapStage stage,
        ObservedRun run,
        List<PredecessorState> predecessors,
        ObservedServing serving,
        ProgressStatus polledProgress,
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
