package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one observation of a stage: its trainer Jobs and pods, its predecessors, what serves its
 * track (all from informer caches) and, at most once per poll interval, its trainer's /progress.
 */
public final class StageObserver {

    private static final Logger log = LoggerFactory.getLogger(StageObserver.class);

    private final ProgressPoller poller;
    private final ProgressPolls polls;
    private final TrackConflicts trackConflicts;

    public StageObserver(
            ProgressPoller poller, ProgressPolls polls, TrackConflicts trackConflicts) {
        this.poller = poller;
        this.polls = polls;
        this.trackConflicts = trackConflicts;
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
                RunObserver.observe(stage, jobs, pods, context.getSecondaryResources(Event.class));
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
                        deployment -> inferencePods(deployment, context),
                        trackConflicts
                                .since(namespace, stage.getSpec().serving().track())
                                .orElse(null),
                        now);
        return new StageSnapshot(
                stage, run, predecessors, serving, pollProgress(stage, jobs, pods, now), now);
    }

    /** The trainer's /progress, when the current attempt runs and the stage's poll is due. */
    private ProgressStatus pollProgress(
            PillsnapStage stage, Collection<Job> jobs, Collection<Pod> pods, Instant now) {
        if (stage.getStatus() == null
                || stage.getStatus().phase() != StagePhase.Training
                || stage.getStatus().run() == null) {
            return null;
        }
        RunStatus run = stage.getStatus().run();
        Optional<Pod> trainer =
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
                        .filter(
                                pod ->
                                        pod.getStatus() != null
                                                && "Running".equals(pod.getStatus().getPhase())
                                                && pod.getStatus().getPodIP() != null)
                        .findFirst();
        if (trainer.isEmpty() || !polls.claim(stage.getMetadata().getUid(), now)) {
            return null;
        }
        return poller.poll(trainer.get()).orElse(null);
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
}
