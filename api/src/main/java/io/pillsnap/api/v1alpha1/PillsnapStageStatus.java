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
                        "PredecessorsPromoted, Trained, GatePassed, Promoted and Serving, as"
                                + " Kubernetes conditions.")
                List<Condition> conditions,
        @JsonPropertyDescription("The current run, its attempts and retry budget.") RunStatus run,
        @JsonPropertyDescription("Live training progress.") ProgressStatus progress,
        @JsonPropertyDescription("Metrics of the run's best checkpoint on held-out data.")
                StageMetrics metrics,
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
                null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public Optional<Condition> condition(ConditionType type) {
        return conditions.stream().filter(c -> type.name().equals(c.getType())).findFirst();
    }
}
