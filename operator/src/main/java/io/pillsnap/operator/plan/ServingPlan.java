package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.operator.event.StageEvent;
import java.util.List;

/**
 * What serving needs for a stage in this pass.
 *
 * @param replicas replicas of the stage's inference Deployment; null when it needs none
 * @param pointService switch (or create) the track's Service to this stage's model
 * @param deleteOtherDeployments remove the stage's Deployments of earlier runs
 * @param recheck look again soon: a rollout waits for Ready pods, or this model serves until the
 *     next one is ready
 */
public record ServingPlan(
        ServingStatus status,
        Integer replicas,
        boolean pointService,
        boolean deleteOtherDeployments,
        ConditionUpdate condition,
        List<StageEvent> events,
        boolean recheck) {

    public static ServingPlan none() {
        return new ServingPlan(null, null, false, false, null, List.of(), false);
    }

    /** This plan, looked at again soon. */
    ServingPlan rechecking() {
        return new ServingPlan(
                status, replicas, pointService, deleteOtherDeployments, condition, events, true);
    }
}
