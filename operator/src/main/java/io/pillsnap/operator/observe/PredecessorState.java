package io.pillsnap.operator.observe;

import io.pillsnap.api.v1alpha1.status.StagePhase;

/**
 * A stage named in spec.after or spec.initFrom.
 *
 * @param phase null when the stage does not exist (or has no status yet)
 * @param exists whether a PillsnapStage of that name exists in the namespace
 * @param artifactsPath run folder of its current run, the source of initFrom weights
 */
public record PredecessorState(
        String name, boolean exists, StagePhase phase, String artifactsPath) {

    public boolean isPromoted() {
        return phase == StagePhase.Promoted;
    }

    /** Rejected and Failed stages never unblock their successors until they run again. */
    public boolean isDeadEnd() {
        return phase == StagePhase.Rejected || phase == StagePhase.Failed;
    }
}
