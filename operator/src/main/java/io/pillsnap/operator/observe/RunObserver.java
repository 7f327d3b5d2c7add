package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.operator.desired.TrainerLabels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Groups a stage's trainer Jobs and pods by run and attempt. Only objects whose owner is this stage
 * object count: a stage deleted and re-created under the same name never sees the old one's Jobs.
 * Pure.
 */
public final class RunObserver {

    private RunObserver() {}

    public static ObservedRun observe(
            PillsnapStage stage, Collection<Job> jobs, Collection<Pod> pods) {
        return observe(stage, jobs, pods, List.of(), List.of());
    }

    /**
     * @param events Events on the stage's Jobs that say why a Job has no pod (FailedCreate)
     * @param workloads Kueue's Workloads of the stage's Jobs
     */
    public static ObservedRun observe(
            PillsnapStage stage,
            Collection<Job> jobs,
            Collection<Pod> pods,
            Collection<Event> events,
            Collection<GenericKubernetesResource> workloads) {
        String uid = stage.getMetadata().getUid();
        List<Job> owned = jobs.stream().filter(job -> ownedBy(job, uid)).toList();
        List<ObservedRun.OwnedJob> summary = new ArrayList<>();
        for (Job job : owned) {
            summary.add(
                    new ObservedRun.OwnedJob(
                            job.getMetadata().getName(),
                            runId(job),
                            number(job, ApiConstants.LABEL_ATTEMPT),
                            TrainerLabels.isResultReader(job),
                            number(job, TrainerLabels.LABEL_READ),
                            AttemptInspector.finishedAt(job)));
        }
        RunStatus current = stage.getStatus() == null ? null : stage.getStatus().run();
        if (current == null || current.id() == null) {
            return new ObservedRun(Map.of(), 0, null, List.copyOf(summary));
        }
        Map<Integer, ObservedAttempt> attempts = new TreeMap<>();
        ObservedReader reader = null;
        int disrupted = 0;
        for (Job job : owned) {
            if (!current.id().equals(runId(job))) {
                continue;
            }
            List<Pod> podsOfJob = pods.stream().filter(pod -> ownedBy(pod, jobUid(job))).toList();
            List<Event> eventsOfJob = events.stream().filter(event -> isAbout(event, job)).toList();
            if (TrainerLabels.isResultReader(job)) {
                Integer read = number(job, TrainerLabels.LABEL_READ);
                int number = read == null ? 0 : read;
                if (reader == null || number > reader.read()) {
                    reader = AttemptInspector.inspectReader(job, number, podsOfJob, eventsOfJob);
                }
                continue;
            }
            Integer attempt = number(job, ApiConstants.LABEL_ATTEMPT);
            if (attempt != null) {
                attempts.put(
                        attempt,
                        AttemptInspector.inspect(
                                job,
                                attempt,
                                podsOfJob,
                                eventsOfJob,
                                workloads.stream()
                                        .filter(w -> KueueWorkloads.ofJob(w, jobUid(job)))
                                        .toList(),
                                StartProblem.Role.TRAINER));
                disrupted += (int) podsOfJob.stream().filter(AttemptInspector::isDisrupted).count();
            }
        }
        return new ObservedRun(attempts, disrupted, reader, List.copyOf(summary));
    }

    /** Whether {@code uid} is among the object's owners. */
    public static boolean ownedBy(HasMetadata object, String uid) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        return uid != null
                && owners != null
                && owners.stream().anyMatch(owner -> uid.equals(owner.getUid()));
    }

    /** Whether the Event is about this Job (its UID; its name and namespace when it has none). */
    private static boolean isAbout(Event event, Job job) {
        var involved = event.getInvolvedObject();
        if (involved == null || !"Job".equals(involved.getKind())) {
            return false;
        }
        if (involved.getUid() != null) {
            return involved.getUid().equals(job.getMetadata().getUid());
        }
        return job.getMetadata().getName().equals(involved.getName());
    }

    private static String jobUid(Job job) {
        return Objects.requireNonNullElse(job.getMetadata().getUid(), "");
    }

    private static String runId(Job job) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(TrainerLabels.ANNOTATION_RUN_ID);
    }

    private static Integer number(HasMetadata resource, String key) {
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
