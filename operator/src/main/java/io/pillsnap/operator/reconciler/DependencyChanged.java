package io.pillsnap.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import java.util.Objects;

/**
 * Passes a stage's update to the stages that depend on it (after, initFrom, same track) only when
 * something they depend on changed: its phase, its run, what it promoted or serves, its serving
 * settings, or its deletion. Progress writes pass nothing, so polling never wakes other stages.
 */
public class DependencyChanged implements OnUpdateFilter<PillsnapStage> {

    /** What other stages read of a stage. */
    record Facts(
            StagePhase phase,
            String runId,
            String artifactsPath,
            String promotedSince,
            String servingState,
            String modelVersion,
            String promotedAt,
            String specHash,
            String track,
            Boolean enabled,
            boolean deleting) {

        static Facts of(PillsnapStage stage) {
            PillsnapStageStatus status =
                    Objects.requireNonNullElseGet(stage.getStatus(), PillsnapStageStatus::empty);
            ServingStatus serving = status.serving();
            ServingSpec spec = stage.getSpec() == null ? null : stage.getSpec().serving();
            return new Facts(
                    status.phase(),
                    status.run() == null ? null : status.run().id(),
                    status.run() == null ? null : status.run().artifactsPath(),
                    status.condition(ConditionType.Promoted)
                            .map(c -> c.getStatus() + "@" + c.getLastTransitionTime())
                            .orElse(null),
                    serving == null ? null : serving.state(),
                    serving == null ? null : serving.modelVersion(),
                    serving == null ? null : serving.promotedAt(),
                    serving == null ? null : serving.specHash(),
                    spec == null ? null : spec.track(),
                    spec == null ? null : spec.enabled(),
                    stage.isMarkedForDeletion());
        }
    }

    @Override
    public boolean accept(PillsnapStage newStage, PillsnapStage oldStage) {
        return !Facts.of(newStage).equals(Facts.of(oldStage));
    }
}
