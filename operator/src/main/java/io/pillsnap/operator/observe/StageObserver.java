package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.desired.ServingNames;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Takes one observation of a stage: its trainer Jobs and pods, its predecessors, what serves its
 * track (with its models' autoscalers and disruption budgets) and its trainer's newest /progress,
 * all from caches the informers and the progress poller keep: observing makes no request of its
 * own.
 */
public final class StageObserver {

    private final TrainerProgress progress;
    private final TrackConflicts trackConflicts;
    private final boolean kueueWorkloads;

    /**
     * @param kueueWorkloads whether Kueue's Workloads are watched (the cluster serves them)
     */
    public StageObserver(
            TrainerProgress progress, TrackConflicts trackConflicts, boolean kueueWorkloads) {
        this.progress = progress;
        this.trackConflicts = trackConflicts;
        this.kueueWorkloads = kueueWorkloads;
    }

    /**
     * @param stages the other stages (predecessors, the stages of its track), read from the cache
     *     whose events wake a stage when one of them changes, so that the stage sees the change
     *     that woke it (another informer's cache may not hold it yet)
     * @param trackService the Service of the stage's track, if any
     */
    public StageSnapshot observe(
            PillsnapStage stage,
            Context<PillsnapStage> context,
            IndexedResourceCache<PillsnapStage> stages,
            Optional<Service> trackService,
            Instant now) {
        Collection<Pod> pods = context.getSecondaryResources(Pod.class);
        Collection<Job> jobs = context.getSecondaryResources(Job.class);
        ObservedRun run =
                RunObserver.observe(
                        stage,
                        jobs,
                        pods,
                        context.getSecondaryResources(Event.class),
                        kueueWorkloads
                                ? context.getSecondaryResources(GenericKubernetesResource.class)
                                : List.of());
        String namespace = stage.getMetadata().getNamespace();
        List<PredecessorState> predecessors =
                stage.getSpec().predecessors().stream()
                        .map(
                                name ->
                                        predecessor(
                                                name,
                                                stages.get(new ResourceID(name, namespace))
                                                        .orElse(null)))
                        .toList();
        ObservedServing serving =
                ServingObserver.observe(
                        stage,
                        context.getSecondaryResources(Deployment.class),
                        trackService,
                        StageIndex.onTrack(stages, namespace, stage.getSpec().serving().track()),
                        deployment -> podsOf(deployment, pods),
                        trackConflicts
                                .since(namespace, stage.getSpec().serving().track())
                                .orElse(null),
                        context.getSecondaryResources(HorizontalPodAutoscaler.class),
                        context.getSecondaryResources(PodDisruptionBudget.class),
                        servedReplicas(context, namespace, trackService),
                        now);
        return new StageSnapshot(
                stage, run, predecessors, serving, progress(stage, jobs, pods), now);
    }

    /**
     * The pods of the Deployment the track's Service serves now, whichever stage it is of: from the
     * cache of the inference Deployments' informer, which holds every stage's (the stage's
     * secondary resources are its own only). 0 when none is served or found.
     */
    @SuppressWarnings("unchecked")
    private static int servedReplicas(
            Context<PillsnapStage> context, String namespace, Optional<Service> trackService) {
        String served = trackService.map(InferenceServiceFactory::servedVersion).orElse(null);
        if (served == null) {
            return 0;
        }
        var deployments =
                (InformerEventSource<Deployment, PillsnapStage>)
                        context.eventSourceRetriever().getEventSourceFor(Deployment.class);
        return deployments
                .get(new ResourceID(ServingNames.deploymentName(served), namespace))
                .map(d -> Objects.requireNonNullElse(d.getSpec().getReplicas(), 0))
                .orElse(0);
    }

    /**
     * Follows the trainer of the current attempt while its pod runs (its /progress is asked off the
     * reconcile threads) and returns its newest answer; null when none.
     */
    private ProgressStatus progress(
            PillsnapStage stage, Collection<Job> jobs, Collection<Pod> pods) {
        Optional<ProgressPoller.TrainerAddress> trainer = Optional.empty();
        RunStatus run = stage.getStatus() == null ? null : stage.getStatus().run();
        if (run != null && run.job() != null && !stage.isMarkedForDeletion()) {
            trainer =
                    jobs.stream()
                            .filter(job -> job.getMetadata().getName().equals(run.job()))
                            .filter(job -> RunObserver.ownedBy(job, stage.getMetadata().getUid()))
                            .flatMap(
                                    job ->
                                            pods.stream()
                                                    .filter(
                                                            pod ->
                                                                    RunObserver.ownedBy(
                                                                            pod,
                                                                            job.getMetadata()
                                                                                    .getUid())))
                            .map(ProgressPoller.TrainerAddress::of)
                            .flatMap(Optional::stream)
                            .findFirst();
        }
        progress.follow(stage, trainer);
        return trainer.isEmpty() ? null : progress.latest(stage).orElse(null);
    }

    static PredecessorState predecessor(String name, PillsnapStage found) {
        if (found == null) {
            return new PredecessorState(name, false, null, null);
        }
        var status = found.getStatus();
        RunStatus run = status == null ? null : status.run();
        return new PredecessorState(
                name,
                true,
                status == null ? null : status.phase(),
                run == null ? null : run.artifactsPath());
    }

    /** The pods of a Deployment of the stage, from the pod informer's cache. */
    private static List<Pod> podsOf(Deployment deployment, Collection<Pod> pods) {
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        return pods.stream()
                .filter(
                        pod ->
                                pod.getMetadata().getLabels() != null
                                        && pod.getMetadata()
                                                .getLabels()
                                                .entrySet()
                                                .containsAll(selector.entrySet()))
                .toList();
    }
}
