package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** Reads a stage's trainer Jobs, pods and predecessors from the informer caches. Read-only. */
public final class RunObserver {

    /**
     * @param stages looks up other stages (predecessors) by id
     */
    public StageSnapshot observe(
            PillsnapStage stage,
            Context<PillsnapStage> context,
            Function<ResourceID, Optional<PillsnapStage>> stages,
            Instant now) {
        ObservedRun run =
                observeRun(
                        stage,
                        context.getSecondaryResources(Job.class),
                        context.getSecondaryResources(Pod.class));
        List<PredecessorState> predecessors =
                stage.getSpec().predecessors().stream()
                        .map(
                                name ->
                                        predecessor(
                                                name,
                                                stages.apply(
                                                                new ResourceID(
                                                                        name,
                                                                        stage.getMetadata()
                                                                                .getNamespace()))
                                                        .orElse(null)))
                        .toList();
        return new StageSnapshot(stage, run, predecessors, now);
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

    /** Groups the stage's Jobs and pods by run and attempt. */
    public static ObservedRun observeRun(
            PillsnapStage stage, Collection<Job> jobs, Collection<Pod> pods) {
        RunStatus current = stage.getStatus() == null ? null : stage.getStatus().run();
        Integer currentRun = current == null ? null : current.number();
        Map<Integer, ObservedAttempt> attempts = new TreeMap<>();
        List<Job> active = jobs.stream().filter(job -> !AttemptInspector.isFinished(job)).toList();
        if (currentRun == null) {
            return new ObservedRun(attempts, 0, active);
        }
        for (Job job : jobs) {
            Integer attempt = label(job, ApiConstants.LABEL_ATTEMPT);
            if (currentRun.equals(label(job, ApiConstants.LABEL_RUN)) && attempt != null) {
                List<Pod> podsOfJob =
                        pods.stream()
                                .filter(p -> currentRun.equals(label(p, ApiConstants.LABEL_RUN)))
                                .filter(p -> attempt.equals(label(p, ApiConstants.LABEL_ATTEMPT)))
                                .toList();
                attempts.put(attempt, AttemptInspector.inspect(job, attempt, podsOfJob));
            }
        }
        int disrupted =
                (int)
                        pods.stream()
                                .filter(p -> currentRun.equals(label(p, ApiConstants.LABEL_RUN)))
                                .filter(AttemptInspector::isDisrupted)
                                .count();
        return new ObservedRun(attempts, disrupted, active);
    }

    private static Integer label(HasMetadata resource, String key) {
        Map<String, String> labels = resource.getMetadata().getLabels();
        String value = labels == null ? null : labels.get(key);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
