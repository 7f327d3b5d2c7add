package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.event.StageEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What serving needs for a stage in this pass.
 *
 * @param status status.serving; null when the stage has no promoted model
 * @param replicas replicas of the stage's inference Deployments, by model version (created when
 *     missing and more than 0)
 * @param deleteDeployments the stage's Deployments of earlier runs that no longer serve
 * @param serviceSwitch point the track's Service at this stage's model; null: leave it
 * @param recheckAfter look again after this long (a rollout waits for Ready pods, old pods wait for
 *     their scale-down time); null: no need
 * @param holdsTrack the stage's pods serve the track until another model takes it, or still answer
 *     requests routed to them before a switch: deleting the stage must wait
 * @param autoscaled model versions whose HorizontalPodAutoscaler is created or updated before the
 *     switch and owns their Deployment's replicas: the operator sets those only to create the
 *     Deployment or to raise it to minReplicas (their entry in {@code replicas})
 * @param disruptionBudgets model versions whose pods a PodDisruptionBudget keeps through drains
 * @param deleteAutoscalers the stage's HorizontalPodAutoscalers that go: their model's pods stop,
 *     or spec.serving.autoscaling was removed
 * @param deleteDisruptionBudgets the stage's PodDisruptionBudgets that go
 */
public record ServingPlan(
        ServingStatus status,
        ConditionUpdate condition,
        Map<String, Integer> replicas,
        List<String> deleteDeployments,
        InferenceServiceFactory.Switch serviceSwitch,
        List<StageEvent> events,
        Duration recheckAfter,
        boolean holdsTrack,
        Set<String> autoscaled,
        Set<String> disruptionBudgets,
        List<String> deleteAutoscalers,
        List<String> deleteDisruptionBudgets) {

    public static ServingPlan none() {
        return new ServingPlan(
                null, null, Map.of(), List.of(), null, List.of(), null, false, Set.of(), Set.of(),
                List.of(), List.of());
    }
}
