package io.pillsnap.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
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
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.dependent.InferenceAutoscalerDependentResource;
import io.pillsnap.operator.dependent.InferenceDeploymentDependentResource;
import io.pillsnap.operator.dependent.InferenceDisruptionBudgetDependentResource;
import io.pillsnap.operator.dependent.KueueWorkloadEvents;
import io.pillsnap.operator.dependent.TrackServices;
import io.pillsnap.operator.dependent.TrainerConfigMapDependentResource;
import io.pillsnap.operator.dependent.TrainerJobDependentResource;
import io.pillsnap.operator.dependent.TrainerJobEvents;
import io.pillsnap.operator.desired.TrainerLabels;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.EventRecorder;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.metrics.OperatorMetrics;
import io.pillsnap.operator.observe.ProgressPoller;
import io.pillsnap.operator.observe.ServingObserver;
import io.pillsnap.operator.observe.StageIndex;
import io.pillsnap.operator.observe.StageObserver;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.observe.TrackConflicts;
import io.pillsnap.operator.observe.TrainerProgress;
import io.pillsnap.operator.plan.PlanSettings;
import io.pillsnap.operator.plan.ReconcilePlan;
import io.pillsnap.operator.plan.ReconcilePlanner;
import io.pillsnap.operator.status.StageStatusRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a PillsnapStage, training and serving alike: observe (Jobs, pods, predecessors, the
 * track, progress) -> plan (pure) -> act (in the order that is safe on a stale read) -> record (one
 * status patch, Events, metrics). A finalizer lets a stage that serves its track hand it back to
 * the previous model before it goes; everything it makes is owned by it.
 */
@ControllerConfiguration(
        name = PillsnapStageReconciler.NAME,
        generationAwareEventProcessing = false,
        informer = @Informer(onUpdateFilter = SpecOrAnnotationsChanged.class))
public class PillsnapStageReconciler implements Reconciler<PillsnapStage>, Cleaner<PillsnapStage> {

    public static final String NAME = "pillsnapstage";
    private static final Logger log = LoggerFactory.getLogger(PillsnapStageReconciler.class);

    private static final Duration RETRY_AFTER_CONFLICT = Duration.ofMillis(200);
    private static final Duration MIN_RECHECK = Duration.ofMillis(500);

    private final OperatorConfig config;
    private final PlanSettings settings;
    private final OperatorMetrics metrics;
    private final EventRecorder events;
    private final Clock clock;
    private final TrainerProgress progress;
    private final StageObserver observer;
    private final TrainerJobDependentResource trainerJobs;
    private final TrainerConfigMapDependentResource trainerConfigMaps =
            new TrainerConfigMapDependentResource();
    private final InferenceDeploymentDependentResource inferenceDeployments;
    private final InferenceAutoscalerDependentResource inferenceAutoscalers =
            new InferenceAutoscalerDependentResource();
    private final InferenceDisruptionBudgetDependentResource inferenceBudgets =
            new InferenceDisruptionBudgetDependentResource();
    private final TrackConflicts trackConflicts = new TrackConflicts();
    private final TrackServices trackServices;
    private final PlanActuator actuator;
    private InformerEventSource<PillsnapStage, PillsnapStage> relatedStages;

    public PillsnapStageReconciler(
            OperatorConfig config, OperatorMetrics metrics, EventRecorder events, Clock clock) {
        this.config = config;
        this.settings = PlanSettings.of(config);
        this.metrics = metrics;
        this.events = events;
        this.clock = clock;
        this.progress =
                new TrainerProgress(config.progressPollInterval(), new ProgressPoller(), clock);
        this.observer =
                new StageObserver(
                        progress, trackConflicts, Boolean.TRUE.equals(config.kueueWorkloads()));
        this.trackServices = new TrackServices(trackConflicts, clock);
        this.trainerJobs = new TrainerJobDependentResource(config);
        this.inferenceDeployments = new InferenceDeploymentDependentResource(config);
        this.actuator =
                new PlanActuator(
                        config,
                        trainerConfigMaps,
                        trainerJobs,
                        inferenceDeployments,
                        inferenceAutoscalers,
                        inferenceBudgets,
                        trackServices,
                        new StageStatusRecorder(config.serverSideApply(), NAME),
                        events,
                        metrics);
    }

    @Override
    public List<EventSource<?, PillsnapStage>> prepareEventSources(
            EventSourceContext<PillsnapStage> context) {
        var stages = context.getPrimaryCache();
        StageIndex.register(stages);
        metrics.watchStages(() -> stages.list().toList());

        List<EventSource<?, PillsnapStage>> sources =
                new ArrayList<>(
                        EventSourceUtils.dependentEventSources(
                                context,
                                trainerJobs,
                                trainerConfigMaps,
                                inferenceDeployments,
                                inferenceAutoscalers,
                                inferenceBudgets));
        sources.add(trackServices.eventSource(context, stages));
        sources.add(progress);
        if (Boolean.TRUE.equals(config.kueueWorkloads())) {
            sources.add(
                    KueueWorkloadEvents.eventSource(
                            context,
                            id -> trainerJobs.eventSource().flatMap(jobs -> jobs.get(id))));
        }
        sources.add(
                TrainerJobEvents.eventSource(
                        context, id -> trainerJobs.eventSource().flatMap(jobs -> jobs.get(id))));
        sources.add(
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Pod.class, PillsnapStage.class)
                                .withName("pods")
                                .withLabelSelector(
                                        ApiConstants.LABEL_MANAGED_BY
                                                + "="
                                                + ApiConstants.MANAGED_BY)
                                .withSecondaryToPrimaryMapper(PillsnapStageReconciler::stageOfPod)
                                .build(),
                        context));
        // a stage's change wakes the stages that wait for it and the stages serving the same
        // track, only when what they read of it changed; they read other stages from this
        // informer's cache, which holds the change before the event (the primary cache has its
        // own watch and may not hold it yet)
        relatedStages =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(
                                        PillsnapStage.class, PillsnapStage.class)
                                .withName("related-stages")
                                .withOnUpdateFilter(new DependencyChanged())
                                .withSecondaryToPrimaryMapper(changed -> related(stages, changed))
                                .build(),
                        context);
        StageIndex.register(relatedStages);
        sources.add(relatedStages);
        return sources;
    }

    @Override
    public UpdateControl<PillsnapStage> reconcile(
            PillsnapStage stage, Context<PillsnapStage> context) {
        StageSnapshot snapshot = observe(stage, context);
        ReconcilePlan plan = ReconcilePlanner.plan(snapshot, settings);
        if (actuator.act(snapshot, plan, context) == PlanActuator.Outcome.STALE) {
            return UpdateControl.<PillsnapStage>noUpdate().rescheduleAfter(RETRY_AFTER_CONFLICT);
        }
        Duration recheck = plan.recheckAfter();
        if (!plan.actedOn()) {
            // look at once at what this pass did, to record its outcome
            recheck = ReconcilePlanner.earliest(recheck, MIN_RECHECK);
        }
        return recheck == null
                ? UpdateControl.noUpdate()
                : UpdateControl.<PillsnapStage>noUpdate()
                        .rescheduleAfter(max(recheck, MIN_RECHECK));
    }

    /**
     * A stage whose model serves its track holds the deletion (by its finalizer) until another
     * model on the track has taken the traffic and the scale-down delay has passed; everything else
     * it made goes with it by owner references.
     */
    @Override
    public DeleteControl cleanup(PillsnapStage stage, Context<PillsnapStage> context) {
        StageSnapshot snapshot = observe(stage, context);
        ReconcilePlan plan = ReconcilePlanner.plan(snapshot, settings);
        PlanActuator.Outcome outcome = actuator.act(snapshot, plan, context);
        if (outcome == PlanActuator.Outcome.STALE) {
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(RETRY_AFTER_CONFLICT.toMillis());
        }
        if (plan.serving().holdsTrack()) {
            Duration recheck =
                    Objects.requireNonNullElse(plan.recheckAfter(), config.rolloutCheckInterval());
            log.info(
                    "stage {}/{} is being deleted; it keeps serving track {} until the next model"
                            + " has taken it",
                    stage.getMetadata().getNamespace(),
                    stage.getMetadata().getName(),
                    stage.getSpec().serving().track());
            return DeleteControl.noFinalizerRemoval()
                    .rescheduleAfter(max(recheck, MIN_RECHECK).toMillis());
        }
        progress.forget(stage.getMetadata().getUid());
        return DeleteControl.defaultDelete();
    }

    private StageSnapshot observe(PillsnapStage stage, Context<PillsnapStage> context) {
        return observer.observe(
                stage, context, relatedStages, trackServices.of(stage), clock.instant());
    }

    @Override
    public ErrorStatusUpdateControl<PillsnapStage> updateErrorStatus(
            PillsnapStage observed, Context<PillsnapStage> context, Exception e) {
        // the pass may have recorded its intent before the action that failed: keep it
        PillsnapStage stage =
                context.getPrimaryCache().get(ResourceID.fromResource(observed)).orElse(observed);
        PillsnapStageStatus previous =
                Objects.requireNonNullElseGet(stage.getStatus(), PillsnapStageStatus::empty);
        boolean permanent =
                e instanceof KubernetesClientException k
                        && (k.getCode() == 400 || k.getCode() == 422);
        String message =
                permanent
                        ? refused((KubernetesClientException) e)
                        : "reconcile failed: " + Texts.rootMessage(e);
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
        stage.setStatus(previous.toBuilder().message(message).build());
        ErrorStatusUpdateControl<PillsnapStage> control =
                ErrorStatusUpdateControl.patchStatus(stage);
        return permanent ? control.withNoRetry() : control;
    }

    /**
     * What the API server refused, for a request the operator made: whatever the spec, the operator
     * should only make valid objects, so this is a bug to report or a policy of the cluster (an
     * admission webhook) to look at, not something the stage author can fix.
     */
    static String refused(KubernetesClientException e) {
        var details = e.getStatus() == null ? null : e.getStatus().getDetails();
        String what =
                details == null || details.getKind() == null
                        ? "a request"
                        : details.getKind()
                                + (details.getName() == null ? "" : " " + details.getName());
        return "reconcile failed: the API server refused "
                + what
                + " ("
                + e.getCode()
                + "): "
                + Texts.rootMessage(e)
                + " (not retried until the stage changes: the operator made an object the cluster"
                + " does not accept; check the cluster's admission policies, or report this"
                + " message as an operator bug)";
    }

    /**
     * The stages that wait for {@code changed} (after, initFrom) and, when it takes part in serving
     * its track, the other stages that take part in serving the same track. Stages that do not
     * serve never wake each other through a shared track name.
     */
    private static Set<ResourceID> related(
            IndexedResourceCache<PillsnapStage> stages, PillsnapStage changed) {
        String namespace = changed.getMetadata().getNamespace();
        String name = changed.getMetadata().getName();
        Set<ResourceID> related =
                stages.byIndex(StageIndex.PREDECESSOR, StageIndex.key(namespace, name)).stream()
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toCollection(HashSet::new));
        if (ServingObserver.takesPartInServing(changed)) {
            String track = changed.getSpec().serving().track();
            StageIndex.onTrack(stages, namespace, track).stream()
                    .filter(s -> !s.getMetadata().getName().equals(name))
                    .filter(ServingObserver::takesPartInServing)
                    .map(ResourceID::fromResource)
                    .forEach(related::add);
        }
        return related;
    }

    /** The stage a trainer, reader or inference pod works for: its whole name is on the pod. */
    private static Set<ResourceID> stageOfPod(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        Map<String, String> labels = pod.getMetadata().getLabels();
        String name =
                annotations != null && annotations.containsKey(TrainerLabels.ANNOTATION_STAGE)
                        ? annotations.get(TrainerLabels.ANNOTATION_STAGE)
                        : labels == null ? null : labels.get(ApiConstants.LABEL_STAGE);
        return name == null
                ? Set.of()
                : Set.of(new ResourceID(name, pod.getMetadata().getNamespace()));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
