package io.pillsnap.operator.plan;

import io.pillsnap.api.gate.RunMetrics;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ArtifactStatus;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.LineageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the phase planner decided for one reconcile pass: the next phase and status content,
 * condition changes, Events, and the trainer objects that must exist.
 *
 * @param needsTrainer the current attempt's ConfigMap and Job must exist
 * @param readResult the run's current result reader Job (read {@code run.resultReads}) must exist
 * @param recheckAfter look again after this long even if nothing changes; null: no need
 */
public record StagePlan(
        StagePhase phase,
        String message,
        RunStatus run,
        ProgressStatus progress,
        StageMetrics metrics,
        StageMetrics validationMetrics,
        GateStatus gate,
        ArtifactStatus artifacts,
        LineageStatus lineage,
        List<ConditionUpdate> conditions,
        List<StageEvent> events,
        boolean needsTrainer,
        boolean readResult,
        Duration recheckAfter) {

    /** Starts from the current status: unchanged unless a setter says otherwise. */
    static Builder keeping(PillsnapStageStatus status) {
        return new Builder(status);
    }

    /** Accumulates a plan; package-private, used by {@link PhasePlanner}. */
    static final class Builder {
        private final StagePhase previousPhase;
        private StagePhase phase;
        private String message;
        private RunStatus run;
        private ProgressStatus progress;
        private StageMetrics metrics;
        private StageMetrics validationMetrics;
        private GateStatus gate;
        private ArtifactStatus artifacts;
        private LineageStatus lineage;
        private final List<ConditionUpdate> conditions = new ArrayList<>();
        private final List<StageEvent> events = new ArrayList<>();
        private boolean needsTrainer;
        private boolean readResult;
        private Duration recheckAfter;

        private Builder(PillsnapStageStatus status) {
            this.previousPhase = status.phase();
            this.phase = status.phase();
            this.message = status.message();
            this.run = status.run();
            this.progress = status.progress();
            this.metrics = status.metrics();
            this.validationMetrics = status.validationMetrics();
            this.gate = status.gate();
            this.artifacts = status.artifacts();
            this.lineage = status.lineage();
        }

        Builder phase(StagePhase phase, String message) {
            this.phase = phase;
            this.message = message;
            return this;
        }

        Builder run(RunStatus run) {
            this.run = run;
            return this;
        }

        Builder progress(ProgressStatus progress) {
            this.progress = progress;
            return this;
        }

        Builder metrics(StageMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        Builder validationMetrics(StageMetrics validationMetrics) {
            this.validationMetrics = validationMetrics;
            return this;
        }

        /** status.metrics and status.validationMetrics of a run's metrics. */
        Builder metrics(RunMetrics run) {
            return metrics(run.statusMetrics()).validationMetrics(run.statusValidationMetrics());
        }

        Builder gate(GateStatus gate) {
            this.gate = gate;
            return this;
        }

        Builder artifacts(ArtifactStatus artifacts) {
            this.artifacts = artifacts;
            return this;
        }

        Builder lineage(LineageStatus lineage) {
            this.lineage = lineage;
            return this;
        }

        /** Forgets the results of the previous run. */
        Builder clearResults() {
            return progress(null)
                    .metrics(RunMetrics.none())
                    .gate(null)
                    .artifacts(null)
                    .lineage(null);
        }

        Builder condition(ConditionUpdate update) {
            conditions.removeIf(c -> c.type() == update.type());
            conditions.add(update);
            return this;
        }

        Builder event(EventReason reason, String message) {
            events.add(new StageEvent(reason, message));
            return this;
        }

        /** Records the event only when the phase changes in this pass. */
        Builder eventOnEntry(EventReason reason, String message) {
            if (previousPhase != phase) {
                event(reason, message);
            }
            return this;
        }

        Builder needsTrainer() {
            this.needsTrainer = true;
            return this;
        }

        Builder readResult() {
            this.readResult = true;
            return this;
        }

        Builder recheckAfter(Duration delay) {
            this.recheckAfter = delay;
            return this;
        }

        StagePlan build() {
            return new StagePlan(
                    phase,
                    message,
                    run,
                    progress,
                    metrics,
                    validationMetrics,
                    gate,
                    artifacts,
                    lineage,
                    List.copyOf(conditions),
                    List.copyOf(events),
                    needsTrainer,
                    readResult,
                    recheckAfter);
        }
    }
}
