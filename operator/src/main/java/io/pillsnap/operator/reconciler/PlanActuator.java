package io.pillsnap.operator.reconciler;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.dependent.InferenceAutoscalerDependentResource;
import io.pillsnap.operator.dependent.InferenceDeploymentDependentResource;
import io.pillsnap.operator.dependent.InferenceDisruptionBudgetDependentResource;
import io.pillsnap.operator.dependent.TrackServices;
import io.pillsnap.operator.dependent.TrainerConfigMapDependentResource;
import io.pillsnap.operator.dependent.TrainerJobDependentResource;
import io.pillsnap.operator.desired.ResultReaderJobFactory;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.event.EventRecorder;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.metrics.OperatorMetrics;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.plan.ReconcilePlan;
import io.pillsnap.operator.plan.TrainerJobsPlanner;
import io.pillsnap.operator.status.StageStatusRecorder;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a reconcile plan, recording before it acts: first the status (optimistically locked
 * on the stage's resourceVersion), which names the run, attempt, spec and model every action of the
 * pass is for; only once that write succeeded, the actions, in the order that keeps a track served:
 * creating the trainer's objects, scaling a model up with its autoscaler and disruption budget, the
 * track switch (optimistically locked), removing the autoscalers and budgets of models that stop,
 * scaling down and deleting; then the Events of what was done. Their outcome is observed and
 * recorded by the next pass.
 */
final class PlanActuator {

    private static final Logger log = LoggerFactory.getLogger(PlanActuator.class);

    /** What came of acting on a plan. */
    enum Outcome {
        /** Everything was done. */
        DONE,
        /** The stage or its track's Service changed since they were observed: plan again. */
        STALE
    }

    private final OperatorConfig config;
    private final TrainerConfigMapDependentResource trainerConfigMaps;
    private final TrainerJobDependentResource trainerJobs;
    private final InferenceDeploymentDependentResource inferenceDeployments;
    private final InferenceAutoscalerDependentResource inferenceAutoscalers;
    private final InferenceDisruptionBudgetDependentResource inferenceBudgets;
    private final TrackServices trackServices;
    private final StageStatusRecorder statusRecorder;
    private final EventRecorder events;
    private final OperatorMetrics metrics;

    PlanActuator(
            OperatorConfig config,
            TrainerConfigMapDependentResource trainerConfigMaps,
            TrainerJobDependentResource trainerJobs,
            InferenceDeploymentDependentResource inferenceDeployments,
            InferenceAutoscalerDependentResource inferenceAutoscalers,
            InferenceDisruptionBudgetDependentResource inferenceBudgets,
            TrackServices trackServices,
            StageStatusRecorder statusRecorder,
            EventRecorder events,
            OperatorMetrics metrics) {
        this.config = config;
        this.trainerConfigMaps = trainerConfigMaps;
        this.trainerJobs = trainerJobs;
        this.inferenceDeployments = inferenceDeployments;
        this.inferenceAutoscalers = inferenceAutoscalers;
        this.inferenceBudgets = inferenceBudgets;
        this.trackServices = trackServices;
        this.statusRecorder = statusRecorder;
        this.events = events;
        this.metrics = metrics;
    }

    Outcome act(StageSnapshot snapshot, ReconcilePlan plan, Context<PillsnapStage> context) {
        PillsnapStage stage = snapshot.stage();
        PillsnapStage planned = withStatus(stage, plan.status());
        boolean deleting = stage.isMarkedForDeletion();
        // record before act: the status says which run, attempt, spec and model the actions are
        // for before any is taken, so a crash between them leaves an intent the next pass
        // carries out, never objects whose origin must be guessed from their names
        PillsnapStageStatus previous = snapshot.status();
        if (!plan.status().equals(previous)
                && statusRecorder.write(stage, plan.status(), context).isEmpty()) {
            log.debug(
                    "stage {}/{} changed while it was reconciled",
                    stage.getMetadata().getNamespace(),
                    stage.getMetadata().getName());
            return Outcome.STALE;
        }
        // the write succeeded, or nothing changed: this pass saw the current stage
        if (!deleting) {
            createTrainerObjects(planned, plan, context);
        }
        scaleDeployments(planned, snapshot, plan, context, true);
        // a new model's autoscaler and budget exist before traffic moves to it
        createAutoscalersAndBudgets(planned, plan, context);
        if (plan.serving().serviceSwitch() != null) {
            TrackServices.Switched switched =
                    trackServices.switchTo(
                            context.getClient(),
                            plan.serving().serviceSwitch(),
                            trackServices.of(stage).orElse(null));
            if (switched == TrackServices.Switched.FOREIGN) {
                log.warn(
                        "stage {}/{}: the Service {} is not the operator's: left alone",
                        stage.getMetadata().getNamespace(),
                        stage.getMetadata().getName(),
                        stage.getSpec().serving().track());
            }
            if (switched != TrackServices.Switched.DONE) {
                // plan again: on the changed Service, or saying the track is taken
                return Outcome.STALE;
            }
        }
        // before scaling down, so that no autoscaler scales up what stops
        deleteAutoscalersAndBudgets(stage, plan, context);
        scaleDeployments(planned, snapshot, plan, context, false);
        deleteDeployments(stage, plan, context);
        if (!deleting) {
            deleteJobs(stage, plan, context);
        }
        record(planned, previous, plan, snapshot.now());
        return Outcome.DONE;
    }

    private void createTrainerObjects(
            PillsnapStage planned, ReconcilePlan plan, Context<PillsnapStage> context) {
        if (plan.training().needsTrainer()) {
            trainerConfigMaps.reconcile(planned, context);
            trainerJobs.reconcile(planned, context);
        }
        if (plan.training().readResult()) {
            createIfAbsent(ResultReaderJobFactory.create(planned, config), context);
        }
    }

    /**
     * Applies the planned replicas: {@code growing} applies the ones that create or scale up (safe
     * before the status write), otherwise the ones that scale down. An autoscaled model's replicas
     * are its HPA's once its Deployment has reached minReplicas: they are left out.
     */
    private void scaleDeployments(
            PillsnapStage planned,
            StageSnapshot snapshot,
            ReconcilePlan plan,
            Context<PillsnapStage> context,
            boolean growing) {
        for (Map.Entry<String, Integer> entry : plan.serving().replicas().entrySet()) {
            ObservedServing.Deployment current =
                    snapshot.serving()
                            .deployments()
                            .get(ServingNames.deploymentName(entry.getKey()));
            boolean grows = current == null || entry.getValue() >= current.replicas();
            boolean leftToAutoscaler =
                    current != null
                            && plan.serving().autoscaled().contains(entry.getKey())
                            && current.replicas() >= entry.getValue();
            if (grows == growing) {
                var values = context.managedWorkflowAndDependentResourceContext();
                values.put(InferenceDeploymentDependentResource.VERSION, entry.getKey());
                values.put(
                        InferenceDeploymentDependentResource.REPLICAS,
                        leftToAutoscaler ? null : entry.getValue());
                inferenceDeployments.reconcile(planned, context);
            }
        }
    }

    private void createAutoscalersAndBudgets(
            PillsnapStage planned, ReconcilePlan plan, Context<PillsnapStage> context) {
        var values = context.managedWorkflowAndDependentResourceContext();
        for (String version : plan.serving().autoscaled()) {
            values.put(InferenceDeploymentDependentResource.VERSION, version);
            inferenceAutoscalers.reconcile(planned, context);
        }
        for (String version : plan.serving().disruptionBudgets()) {
            values.put(InferenceDeploymentDependentResource.VERSION, version);
            inferenceBudgets.reconcile(planned, context);
        }
    }

    private void deleteAutoscalersAndBudgets(
            PillsnapStage stage, ReconcilePlan plan, Context<PillsnapStage> context) {
        String namespace = stage.getMetadata().getNamespace();
        for (String name : plan.serving().deleteAutoscalers()) {
            context.getClient()
                    .autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(namespace)
                    .withName(name)
                    .delete();
            log.info(
                    "stage {}/{}: deleted HorizontalPodAutoscaler {} (its model stops, or"
                            + " autoscaling is off)",
                    namespace,
                    stage.getMetadata().getName(),
                    name);
        }
        for (String name : plan.serving().deleteDisruptionBudgets()) {
            context.getClient()
                    .policy()
                    .v1()
                    .podDisruptionBudget()
                    .inNamespace(namespace)
                    .withName(name)
                    .delete();
            log.info(
                    "stage {}/{}: deleted PodDisruptionBudget {} (its model stops, or runs fewer"
                            + " than 2 pods)",
                    namespace,
                    stage.getMetadata().getName(),
                    name);
        }
    }

    private void deleteDeployments(
            PillsnapStage stage, ReconcilePlan plan, Context<PillsnapStage> context) {
        for (String name : plan.serving().deleteDeployments()) {
            context.getClient()
                    .apps()
                    .deployments()
                    .inNamespace(stage.getMetadata().getNamespace())
                    .withName(name)
                    .delete();
            log.info(
                    "stage {}/{}: deleted inference Deployment {} (no longer serves)",
                    stage.getMetadata().getNamespace(),
                    stage.getMetadata().getName(),
                    name);
        }
    }

    private void deleteJobs(
            PillsnapStage stage, ReconcilePlan plan, Context<PillsnapStage> context) {
        for (TrainerJobsPlanner.Deletion deletion : plan.jobDeletions()) {
            context.getClient()
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(stage.getMetadata().getNamespace())
                    .withName(deletion.job())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                    .delete();
            if (!deletion.stale()) {
                log.debug(
                        "stage {}/{}: deleted finished Job {} (its outcome is recorded)",
                        stage.getMetadata().getNamespace(),
                        stage.getMetadata().getName(),
                        deletion.job());
            }
        }
    }

    private static void createIfAbsent(Job job, Context<PillsnapStage> context) {
        try {
            context.getClient().resource(job).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
    }

    private void record(
            PillsnapStage planned, PillsnapStageStatus previous, ReconcilePlan plan, Instant now) {
        PillsnapStageStatus next = plan.status();
        for (StageEvent event : plan.events()) {
            events.record(planned, event, now);
            metrics.eventRecorded(event.reason());
        }
        if (previous.phase() != null
                && previous.phase() != next.phase()
                && previous.phaseSince() != null) {
            metrics.phaseLeft(
                    previous.phase(), Duration.between(Instant.parse(previous.phaseSince()), now));
        }
        if (next.gate() != null && !next.gate().equals(previous.gate())) {
            metrics.gateEvaluated(next.gate().result());
        }
    }

    static PillsnapStage withStatus(PillsnapStage stage, PillsnapStageStatus status) {
        PillsnapStage copy = new PillsnapStage();
        copy.setMetadata(stage.getMetadata());
        copy.setSpec(stage.getSpec());
        copy.setStatus(status);
        return copy;
    }
}
