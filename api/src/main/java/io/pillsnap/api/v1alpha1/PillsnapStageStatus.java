package io.pillsnap.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.pillsnap.api.v1alpha1.status.ArtifactStatus;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.LineageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import java.util.List;
import java.util.Optional;

/** Observed state of a stage, written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PillsnapStageStatus(
        @JsonPropertyDescription(
                        "Waiting, Queued, Training, Evaluating, Promoted, Rejected or Failed.")
                StagePhase phase,
        @JsonPropertyDescription("When the stage entered its phase (RFC 3339).") String phaseSince,
        @JsonPropertyDescription("What the stage is doing or why it stopped, in one line.")
                String message,
        @JsonPropertyDescription("metadata.generation of the spec this status reflects.")
                Long observedGeneration,
        @JsonPropertyDescription(
                        "Ready (the summary), PredecessorsPromoted, Trained, GatePassed, Promoted"
                                + " and Serving, as Kubernetes conditions, one per type.")
                List<Condition> conditions,
        @JsonPropertyDescription("The current run, its attempts and retry budget.") RunStatus run,
        @JsonPropertyDescription("Live training progress.") ProgressStatus progress,
        @JsonPropertyDescription(
                        "Metrics of the run's best checkpoint on held-out data: on the test set"
                                + " when the run reported one, else on the validation split; set"
                                + " says which. The TOP1 and MACRO-F1 columns show them, and"
                                + " -o wide adds ECE and COVERAGE among others.")
                StageMetrics metrics,
        @JsonPropertyDescription(
                        "The same checkpoint on the validation split (which chose it, so its"
                                + " metrics are optimistic), when metrics holds the test set's;"
                                + " absent otherwise. Quality metrics only: latencyP95Ms and"
                                + " throughput stay in metrics.")
                StageMetrics validationMetrics,
        @JsonPropertyDescription("Success criteria as evaluated against the metrics.")
                GateStatus gate,
        @JsonPropertyDescription("Files the run produced.") ArtifactStatus artifacts,
        @JsonPropertyDescription("Data, classes and image the run's model came from.")
                LineageStatus lineage,
        @JsonPropertyDescription("The inference Deployment serving the promoted model.")
                ServingStatus serving) {

    public PillsnapStageStatus {
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
    }

    public static PillsnapStageStatus empty() {
        return new PillsnapStageStatus(
                null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A builder starting from this status: unchanged unless a setter says otherwise. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a status field by field, so that no caller passes thirteen values by position. */
    public static final class Builder {
        private StagePhase phase;
        private String phaseSince;
        private String message;
        private Long observedGeneration;
        private List<Condition> conditions;
        private RunStatus run;
        private ProgressStatus progress;
        private StageMetrics metrics;
        private StageMetrics validationMetrics;
        private GateStatus gate;
        private ArtifactStatus artifacts;
        private LineageStatus lineage;
        private ServingStatus serving;

        private Builder(PillsnapStageStatus from) {
            phase = from.phase;
            phaseSince = from.phaseSince;
            message = from.message;
            observedGeneration = from.observedGeneration;
            conditions = from.conditions;
            run = from.run;
            progress = from.progress;
            metrics = from.metrics;
            validationMetrics = from.validationMetrics;
            gate = from.gate;
            artifacts = from.artifacts;
            lineage = from.lineage;
            serving = from.serving;
        }

        public Builder phase(StagePhase phase) {
            this.phase = phase;
            return this;
        }

        public Builder phaseSince(String phaseSince) {
            this.phaseSince = phaseSince;
            return this;
        }

        public Builder message(String message) {
            this.message = message;
            return this;
        }

        public Builder observedGeneration(Long observedGeneration) {
            this.observedGeneration = observedGeneration;
            return this;
        }

        public Builder conditions(List<Condition> conditions) {
            this.conditions = conditions;
            return this;
        }

        public Builder run(RunStatus run) {
            this.run = run;
            return this;
        }

        public Builder progress(ProgressStatus progress) {
            this.progress = progress;
            return this;
        }

        public Builder metrics(StageMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        public Builder validationMetrics(StageMetrics validationMetrics) {
            this.validationMetrics = validationMetrics;
            return this;
        }

        public Builder gate(GateStatus gate) {
            this.gate = gate;
            return this;
        }

        public Builder artifacts(ArtifactStatus artifacts) {
            this.artifacts = artifacts;
            return this;
        }

        public Builder lineage(LineageStatus lineage) {
            this.lineage = lineage;
            return this;
        }

        public Builder serving(ServingStatus serving) {
            this.serving = serving;
            return this;
        }

        public PillsnapStageStatus build() {
            return new PillsnapStageStatus(
                    phase,
                    phaseSince,
                    message,
                    observedGeneration,
                    conditions,
                    run,
                    progress,
                    metrics,
                    validationMetrics,
                    gate,
                    artifacts,
                    lineage,
                    serving);
        }
    }

    public Optional<Condition> condition(ConditionType type) {
        return conditions.stream().filter(c -> type.name().equals(c.getType())).findFirst();
    }
}
