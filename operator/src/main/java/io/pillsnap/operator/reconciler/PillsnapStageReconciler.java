package io.pillsnap.operator.reconciler;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.text.Texts;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.dependent.InferenceDeploymentDependentResource;
import io.pillsnap.operator.dependent.InferenceServiceDependentResource;
import io.pillsnap.operator.dependent.TrainerConfigMapDependentResource;
import io.pillsnap.operator.dependent.TrainerJobDependentResource;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.desired.TrainerLabels;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.EventRecorder;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.metrics.OperatorMetrics;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.ProgressPoller;
import io.pillsnap.operator.observe.RunObserver;
import io.pillsnap.operator.observe.ServingObserver;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.plan.PhasePlanner;
import io.pillsnap.operator.plan.ServingPlan;
import io.pillsnap.operator.plan.ServingPlanner;
import io.pillsnap.operator.plan.StagePlan;
import io.pillsnap.operator.status.StageStatusAggregator;
import io.pillsnap.operator.status.StageStatusRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a PillsnapStage: observe (Jobs, pods, predecessors) -> plan (pure state machine) ->
 * act (trainer ConfigMap and Job through dependent resources) -> record (one status patch, Events,
 * metrics). No finalizer: every object it makes is owned by the stage.
 */
@ControllerConfiguration(
        name = PillsnapStageReconciler.NAME,
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrAnnotationsChanged.class))
public class PillsnapStageReconciler implements Reconciler<PillsnapStage> {

    public static final String NAME = "pillsnapstage";
    static final String PREDECESSOR_INDEX = "predecessor";
    private static final Logger log = LoggerFactory.getLogger(PillsnapStageReconciler.class);

    private static final Duration RETRY_AFTER_CONFLICT = Duration.ofMillis(200);

    private final OperatorConfig config;
    private final OperatorMetrics metrics;
    private final ProgressPoller progressPoller = new ProgressPoller();
    private final InferenceDeploymentDependentResource inferenceDeployments;
    private final InferenceServiceDependentResource inferenceServices =
            new InferenceServiceDependentResource();
    private final StageStatusRecorder statusRecorder;
    private final EventRecorder events;
    private final Clock clock;
    private final RunObserver observer = new RunObserver();
    private InformerEventSource<PillsnapStage, PillsnapStage> predecessors;
    private final TrainerJobDependentResource trainerJobs;
    private final TrainerConfigMapDependentResource trainerConfigMaps =
            new TrainerConfigMapDependentResource();

    public PillsnapStageReconciler(
            OperatorConfig config, OperatorMetrics metrics, EventRecorder events, Clock clock) {
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.config = config;
        this.trainerJobs = new TrainerJobDependentResource(config);
        this.inferenceDeployments = new InferenceDeploymentDependentResource(config);
        this.statusRecorder = new StageStatusRecorder(config.serverSideApply(), NAME);
    }

    @Override
    public List<EventSource<?, PillsnapStage>> prepareEventSources(
            EventSourceContext<PillsnapStage> context) {
        var stages = context.getPrimaryCache();
        stages.addIndexer(
                PREDECESSOR_INDEX,
                stage ->
                        stage.getSpec() == null
                                ? List.of()
                                : stage.getSpec().predecessors().stream()
                                        .map(p -> key(stage.getMetadata().getNamespace(), p))
                                        .toList());
        metrics.watchStages(() -> stages.list().toList());
        inferenceServices.useStages(stages);

        List<EventSource<?, PillsnapStage>> sources =
                new ArrayList<>(
                        EventSourceUtils.dependentEventSources(
                                context,
                                trainerJobs,
                                trainerConfigMaps,
                                inferenceDeployments,
                                inferenceServices));
        sources.add(
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Pod.class, PillsnapStage.class)
                                .withName("trainer-pods")
                                .withLabelSelector(TrainerLabels.SELECTOR)
                                .withSecondaryToPrimaryMapper(
                                        pod ->
                                                Set.of(
                                                        new ResourceID(
                                                                pod.getMetadata()
                                                                        .getLabels()
                                                                        .get(
                                                                                ApiConstants
                                                                                        .LABEL_STAGE),
                                                                pod.getMetadata().getNamespace())))
                                .build(),
                        context));
        // a stage's change wakes the stages that wait for it and the stages serving the same
        // track; they read it from this informer's cache, which holds the change before the event
        predecessors =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(
                                        PillsnapStage.class, PillsnapStage.class)
                                .withName("related-stages")
                                .withSecondaryToPrimaryMapper(changed -> related(stages, changed))
                                .build(),
                        context);
        sources.add(predecessors);
        return sources;
    }

    @Override
    public UpdateControl<PillsnapStage> reconcile(
            PillsnapStage stage, Context<PillsnapStage> context) {
        Instant now = clock.instant();
        StageSnapshot snapshot = observer.observe(stage, context, predecessors::get, now);
        StagePlan plan = PhasePlanner.plan(snapshot);
        PillsnapStageStatus previous = snapshot.status();
        PillsnapStageStatus next =
                StageStatusAggregator.aggregate(previous, plan, snapshot.generation(), now);
        next = withProgress(next, stage, context);
        ServingPlan serving = planServing(stage, next, context, now);
        next = StageStatusAggregator.withServing(next, serving, snapshot.generation(), now);
        PillsnapStage planned = withStatus(stage, next);

        // creating is idempotent (deterministic names), so it may run on a stale read
        if (plan.needsTrainer()) {
            trainerConfigMaps.reconcile(planned, context);
            trainerJobs.reconcile(planned, context);
        }
        // traffic moves before the status says so: peers woken by this status see the new
        // Service (the Service's own event is not delivered for the operator's own write)
        if (serving.pointService()) {
            useServingPlan(serving, context);
            inferenceServices.reconcile(planned, context);
        }
        PillsnapStage written = stage;
        if (!next.equals(previous)) {
            var result = statusRecorder.write(stage, next, context);
            if (result.isEmpty()) {
                log.debug(
                        "stage {}/{} changed while it was reconciled; reconciling again",
                        stage.getMetadata().getNamespace(),
                        stage.getMetadata().getName());
                return UpdateControl.<PillsnapStage>noUpdate()
                        .rescheduleAfter(RETRY_AFTER_CONFLICT);
            }
            written = result.get();
        }
        // the write succeeded or nothing changed: this pass saw the current stage
        actOnServing(planned, serving, context);
        List<StageEvent> stageEvents = new ArrayList<>(plan.events());
        stageEvents.addAll(serving.events());
        record(planned, previous, next, stageEvents, now);
        deleteJobsOfOtherRuns(written, snapshot, context, now);
        return reschedule(next, serving);
    }

    /** While training, the trainer's /progress fills status.progress. */
    private PillsnapStageStatus withProgress(
            PillsnapStageStatus status, PillsnapStage stage, Context<PillsnapStage> context) {
        if (status.phase() != StagePhase.Training) {
            return status;
        }
        return ServingObserver.runningTrainer(context.getSecondaryResources(Pod.class), status)
                .flatMap(progressPoller::poll)
                .map(progress -> StageStatusAggregator.withProgress(status, progress))
                .orElse(status);
    }

    private ServingPlan planServing(
            PillsnapStage stage,
            PillsnapStageStatus planned,
            Context<PillsnapStage> context,
            Instant now) {
        Optional<Service> service = inferenceServices.trackService(stage);
        ObservedServing observed =
                ServingObserver.observe(
                        stage,
                        planned,
                        now,
                        context.getSecondaryResources(Deployment.class),
                        service,
                        context.getPrimaryCache().list(stage.getMetadata().getNamespace()).toList(),
                        deployment -> inferencePods(deployment, context));
        return ServingPlanner.plan(
                stage, ServingObserver.promotedVersion(stage, planned), observed, now);
    }

    private void actOnServing(
            PillsnapStage planned, ServingPlan serving, Context<PillsnapStage> context) {
        if (serving.status() == null) {
            return;
        }
        useServingPlan(serving, context);
        if (serving.replicas() != null) {
            inferenceDeployments.reconcile(planned, context);
        }
        if (serving.deleteOtherDeployments()) {
            String keep = ServingNames.deploymentName(serving.status().modelVersion());
            String previous =
                    serving.status().previousModelVersion() == null
                            ? null
                            : ServingNames.deploymentName(serving.status().previousModelVersion());
            context.getSecondaryResources(Deployment.class).stream()
                    .filter(
                            d ->
                                    !d.getMetadata().getName().equals(keep)
                                            && !d.getMetadata().getName().equals(previous))
                    .forEach(d -> context.getClient().resource(d).delete());
        }
    }

    /** A Deployment's pods, read from the API server: only while a rollout waits for them. */
    private static List<Pod> inferencePods(Deployment deployment, Context<PillsnapStage> context) {
        try {
            return context.getClient()
                    .pods()
                    .inNamespace(deployment.getMetadata().getNamespace())
                    .withLabels(deployment.getSpec().getSelector().getMatchLabels())
                    .list()
                    .getItems();
        } catch (KubernetesClientException e) {
            log.debug(
                    "cannot list the pods of {}: {}",
                    deployment.getMetadata().getName(),
                    e.getMessage());
            return List.of();
        }
    }

    /** Hands the serving plan to the inference dependents. */
    private static void useServingPlan(ServingPlan serving, Context<PillsnapStage> context) {
        var values = context.managedWorkflowAndDependentResourceContext();
        values.put(InferenceDeploymentDependentResource.VERSION, serving.status().modelVersion());
        if (serving.replicas() != null) {
            values.put(InferenceDeploymentDependentResource.REPLICAS, serving.replicas());
        }
    }

    private UpdateControl<PillsnapStage> reschedule(
            PillsnapStageStatus status, ServingPlan serving) {
        if (status.phase() == StagePhase.Training) {
            return UpdateControl.<PillsnapStage>noUpdate()
                    .rescheduleAfter(config.progressPollInterval());
        }
        if (serving.recheck()) {
            return UpdateControl.<PillsnapStage>noUpdate()
                    .rescheduleAfter(config.rolloutCheckInterval());
        }
        return UpdateControl.noUpdate();
    }

    @Override
    public ErrorStatusUpdateControl<PillsnapStage> updateErrorStatus(
            PillsnapStage stage, Context<PillsnapStage> context, Exception e) {
        PillsnapStageStatus previous =
                Objects.requireNonNullElseGet(stage.getStatus(), PillsnapStageStatus::empty);
        String message = "reconcile failed: " + Texts.rootMessage(e);
        boolean permanent =
                e instanceof KubernetesClientException k
                        && (k.getCode() == 400 || k.getCode() == 422);
        if (permanent) {
            message += " (not retried: the request is invalid; fix the spec)";
        }
        log.warn(
                "stage {}/{}: {}",
                stage.getMetadata().getNamespace(),
                stage.getMetadata().getName(),
                message,
                e);
        if (message.equals(previous.message())) {
            return permanent
                    ? ErrorStatusUpdateControl.<PillsnapStage>noStatusUpdate().withNoRetry()
                    : ErrorStatusUpdateControl.defaultErrorProcessing();
        }
        events.record(stage, new StageEvent(EventReason.ReconcileFailed, message), clock.instant());
        stage.setStatus(
                new PillsnapStageStatus(
                        previous.phase(),
                        previous.phaseSince(),
                        message,
                        previous.observedGeneration(),
                        previous.conditions(),
                        previous.run(),
                        previous.progress(),
                        previous.metrics(),
                        previous.gate(),
                        previous.artifacts(),
                        previous.lineage(),
                        previous.serving()));
        ErrorStatusUpdateControl<PillsnapStage> control =
                ErrorStatusUpdateControl.patchStatus(stage);
        return permanent ? control.withNoRetry() : control;
    }

    private void record(
            PillsnapStage planned,
            PillsnapStageStatus previous,
            PillsnapStageStatus next,
            List<StageEvent> stageEvents,
            Instant now) {
        for (StageEvent event : stageEvents) {
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

    /** A rerun stops the Jobs of earlier runs; only when the stage read is the live one. */
    private void deleteJobsOfOtherRuns(
            PillsnapStage stage,
            StageSnapshot snapshot,
            Context<PillsnapStage> context,
            Instant now) {
        if (stage.getStatus() == null || stage.getStatus().run() == null) {
            return;
        }
        List<Job> stale = snapshot.run().activeJobsOutside(stage.getStatus().run().number());
        if (stale.isEmpty()) {
            return;
        }
        PillsnapStage live = context.getClient().resource(stage).get();
        if (live == null
                || !Objects.equals(
                        live.getMetadata().getResourceVersion(),
                        stage.getMetadata().getResourceVersion())) {
            return;
        }
        stale.forEach(job -> deleteStaleJob(stage, job, context, now));
    }

    private void deleteStaleJob(
            PillsnapStage stage, Job job, Context<PillsnapStage> context, Instant now) {
        context.getClient()
                .resource(job)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND)
                .delete();
        events.record(
                stage,
                new StageEvent(
                        EventReason.StaleJobDeleted,
                        "deleted trainer Job "
                                + job.getMetadata().getName()
                                + " of an earlier run"),
                now);
    }

    private static PillsnapStage withStatus(PillsnapStage stage, PillsnapStageStatus status) {
        PillsnapStage copy = new PillsnapStage();
        copy.setMetadata(stage.getMetadata());
        copy.setSpec(stage.getSpec());
        copy.setStatus(status);
        return copy;
    }

    /** The stages that wait for {@code changed} or serve the same track. */
    private static Set<ResourceID> related(
            IndexedResourceCache<PillsnapStage> stages, PillsnapStage changed) {
        String namespace = changed.getMetadata().getNamespace();
        String name = changed.getMetadata().getName();
        Set<ResourceID> related =
                stages.byIndex(PREDECESSOR_INDEX, key(namespace, name)).stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toCollection(HashSet::new));
        if (changed.getSpec() != null) {
            String track = changed.getSpec().serving().track();
            stages.list(namespace)
                    .filter(s -> !s.getMetadata().getName().equals(name))
                    .filter(s -> s.getSpec() != null && track.equals(s.getSpec().serving().track()))
                    .map(ResourceID::fromResource)
                    .forEach(related::add);
        }
        return related;
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
