package io.pillsnap.operator.observe;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Everything the planner decides on: the stage, what runs for it, its predecessors, the time. */
public record StageSnapshot(
        PillsnapStage stage, ObservedRun run, List<PredecessorState> predecessors, Instant now) {

    public PillsnapStageStatus status() {
        return Objects.requireNonNullElseGet(stage.getStatus(), PillsnapStageStatus::empty);
    }

    public String name() {
        return stage.getMetadata().getName();
    }

    public long generation() {
        return Objects.requireNonNullElse(stage.getMetadata().getGeneration(), 0L);
    }

    public String annotation(String key) {
        var annotations = stage.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
