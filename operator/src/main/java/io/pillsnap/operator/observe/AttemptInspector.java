package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.operator.desired.RunNames;
import io.pillsnap.operator.desired.TrainerJobFactory;
import io.pillsnap.operator.desired.TrainerLabels;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one trainer Job and its pods into an {@link ObservedAttempt}. Pure. */
public final class AttemptInspector {

    private static final Pattern EXIT_CODE = Pattern.compile("exit code (\\d+)");

    private AttemptInspector() {}

    /**
     * @param podsOfJob the pods whose controller is this Job
     */
    public static ObservedAttempt inspect(Job job, int attempt, Collection<Pod> podsOfJob) {
        return inspect(job, attempt, podsOfJob, List.of(), List.of(), StartProblem.Role.TRAINER);
    }

    /**
     * @param podsOfJob the pods whose controller is this Job
     * @param eventsOfJob the Events on this Job that say why it has no pod (FailedCreate)
     * @param workloadsOfJob the Kueue Workloads of this Job (why it is suspended)
     */
    public static ObservedAttempt inspect(
            Job job,
            int attempt,
            Collection<Pod> podsOfJob,
            Collection<Event> eventsOfJob,
            Collection<GenericKubernetesResource> workloadsOfJob,
            StartProblem.Role role) {
        String jobName = job.getMetadata().getName();
        Optional<JobCondition> complete = trueCondition(job, "Complete");
        Optional<JobCondition> failed = trueCondition(job, "Failed");
        if (complete.isPresent()) {
            Optional<ContainerStateTerminated> exit =
                    latest(podsOfJob, "Succeeded").flatMap(AttemptInspector::terminated);
            boolean podGone = podsOfJob.stream().allMatch(AttemptInspector::isFailed);
            return of(
                            job,
                            attempt,
                            exit.isPresent() ? AttemptState.SUCCEEDED : AttemptState.UNREPORTED)
                    .exitCode(0)
                    .terminationMessage(exit.map(ContainerStateTerminated::getMessage).orElse(null))
                    .detail(exit.isPresent() ? null : "no pod of Job " + jobName + " reported yet")
                    .finishedAt(finishedAt(job, complete.get()))
                    .podGone(exit.isEmpty() && podGone)
                    .build();
        }
        if (failed.isPresent()) {
            return failedAttempt(job, attempt, failed.get(), podsOfJob);
        }
        if (Boolean.TRUE.equals(job.getSpec().getSuspend())) {
            return of(job, attempt, AttemptState.SUSPENDED)
                    .detail("Job is suspended")
                    .startProblem(KueueWorkloads.why(workloadsOfJob).orElse(null))
                    .build();
        }
        if (podsOfJob.stream().anyMatch(p -> "Running".equals(phase(p)))) {
            return of(job, attempt, AttemptState.RUNNING).build();
        }
        List<Pod> waiting = podsOfJob.stream().filter(p -> !hasEnded(p)).toList();
        Optional<StartProblem> problem = StartProblem.of(waiting, eventsOfJob, role);
        Optional<Pod> ended =
                podsOfJob.stream()
                        .filter(AttemptInspector::hasEnded)
                        .max(Comparator.comparing(AttemptInspector::isDisrupted));
        if (ended.isPresent()) {
            // the attempt has started: it never goes back to waiting for its first pod
            boolean replacing = isDisrupted(ended.get());
            return of(job, attempt, AttemptState.RAN)
                    .detail(endedDetail(ended.get(), role.waiting(!waiting.isEmpty()), problem))
                    .waitingSince(replacing ? endedAt(podsOfJob) : null)
                    .startProblem(replacing ? problem.orElse(null) : null)
                    .build();
        }
        return of(job, attempt, AttemptState.PENDING)
                .detail(problem.map(StartProblem::message).orElse(role.waiting(!waiting.isEmpty())))
                .waitingSince(startedAt(job))
                .startProblem(problem.orElse(null))
                .build();
    }

    /** Result reader Job {@code read} of a run: what it printed, or why it has not yet. */
    public static ObservedReader inspectReader(
            Job job, int read, Collection<Pod> podsOfJob, Collection<Event> eventsOfJob) {
        ObservedAttempt seen =
                inspect(job, 0, podsOfJob, eventsOfJob, List.of(), StartProblem.Role.RESULT_READER);
        String message =
                seen.terminationMessage() != null
                        ? seen.terminationMessage()
                        : latest(podsOfJob, "Failed")
                                .flatMap(AttemptInspector::terminated)
                                .map(ContainerStateTerminated::getMessage)
                                .orElse(null);
        AttemptState state =
                seen.state() == AttemptState.UNREPORTED && !seen.podGone()
                        ? AttemptState.PENDING
                        : seen.state();
        return new ObservedReader(
                job.getMetadata().getName(),
                read,
                state,
                message,
                seen.detail(),
                state == AttemptState.FAILED ? seen.exitCode() : null,
                seen.finishedAt());
    }

    public static boolean isFinished(Job job) {
        return trueCondition(job, "Complete").isPresent()
                || trueCondition(job, "Failed").isPresent();
    }

    /** When the Job completed or failed; null while it runs. */
    public static Instant finishedAt(Job job) {
        return trueCondition(job, "Complete")
                .or(() -> trueCondition(job, "Failed"))
                .map(c -> finishedAt(job, c))
                .orElse(null);
    }

    public static boolean isDisrupted(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(
                                c ->
                                        TrainerJobFactory.DISRUPTION_TARGET.equals(c.getType())
                                                && "True".equals(c.getStatus()));
    }

    private static ObservedAttempt.Builder of(Job job, int attempt, AttemptState state) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        return ObservedAttempt.builder(job.getMetadata().getName(), attempt, state)
                .image(image(job))
                .specHash(
                        annotations == null
                                ? null
                                : annotations.get(TrainerLabels.ANNOTATION_SPEC_HASH));
    }

    /**
     * When the Job last started waiting for its pod: when the Job controller started it (again,
     * after a suspension), else when it was created.
     */
    static Instant startedAt(Job job) {
        Instant started = null;
        if (job.getStatus() != null) {
            started = instant(job.getStatus().getStartTime());
            if (job.getStatus().getConditions() != null) {
                for (JobCondition c : job.getStatus().getConditions()) {
                    if ("Suspended".equals(c.getType()) && "False".equals(c.getStatus())) {
                        started = later(started, instant(c.getLastTransitionTime()));
                    }
                }
            }
        }
        return later(started, instant(job.getMetadata().getCreationTimestamp()));
    }

    /** When the last of the pods that ended did. */
    private static Instant endedAt(Collection<Pod> pods) {
        Instant last = null;
        for (Pod pod : pods) {
            if (!hasEnded(pod)) {
                continue;
            }
            last = later(last, terminated(pod).map(t -> instant(t.getFinishedAt())).orElse(null));
            if (pod.getStatus().getConditions() != null) {
                for (var c : pod.getStatus().getConditions()) {
                    if (TrainerJobFactory.DISRUPTION_TARGET.equals(c.getType())) {
                        last = later(last, instant(c.getLastTransitionTime()));
                    }
                }
            }
        }
        return last;
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }

    private static Instant instant(String time) {
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ObservedAttempt failedAttempt(
            Job job, int attempt, JobCondition failed, Collection<Pod> pods) {
        Optional<Pod> lastFailedPod = latest(pods, "Failed");
        Optional<ContainerStateTerminated> terminated =
                lastFailedPod.flatMap(AttemptInspector::terminated);
        Integer exitCode =
                terminated
                        .map(ContainerStateTerminated::getExitCode)
                        .orElseGet(() -> exitCodeIn(failed.getMessage()));
        boolean disrupted = lastFailedPod.map(AttemptInspector::isDisrupted).orElse(false);
        FailureKind kind = classify(exitCode, disrupted, failed.getReason());
        String detail =
                Objects.requireNonNullElse(failed.getReason(), "Failed")
                        + (failed.getMessage() == null ? "" : ": " + failed.getMessage())
                        + terminated
                                .map(t -> t.getReason() == null ? "" : " (" + t.getReason() + ")")
                                .orElse("");
        return of(job, attempt, AttemptState.FAILED)
                .failureKind(kind)
                .exitCode(exitCode)
                .terminationMessage(
                        terminated.map(ContainerStateTerminated::getMessage).orElse(null))
                .detail(detail)
                .finishedAt(finishedAt(job, failed))
                .podGone(pods.isEmpty())
                .build();
    }

    private static String image(Job job) {
        return job.getSpec().getTemplate().getSpec().getContainers().stream()
                .findFirst()
                .map(c -> c.getImage())
                .orElse(null);
    }

    static FailureKind classify(Integer exitCode, boolean disrupted, String jobReason) {
        Optional<TrainerExitCode> code =
                exitCode == null ? Optional.empty() : TrainerExitCode.of(exitCode);
        if (code.filter(c -> c == TrainerExitCode.INVALID_CONFIGURATION).isPresent()) {
            return FailureKind.INVALID_CONFIGURATION;
        }
        if (code.filter(c -> c == TrainerExitCode.INVALID_DATA).isPresent()) {
            return FailureKind.INVALID_DATA;
        }
        if (disrupted) {
            return FailureKind.DISRUPTION;
        }
        if ("DeadlineExceeded".equals(jobReason)) {
            return FailureKind.DEADLINE_EXCEEDED;
        }
        return FailureKind.ERROR;
    }

    private static Integer exitCodeIn(String message) {
        if (message == null) {
            return null;
        }
        Matcher matcher = EXIT_CODE.matcher(message);
        return matcher.find() ? Integer.valueOf(matcher.group(1)) : null;
    }

    private static String endedDetail(Pod ended, String waiting, Optional<StartProblem> problem) {
        String name = ended.getMetadata().getName();
        if (isDisrupted(ended)) {
            return "pod "
                    + name
                    + " was "
                    + disruptionCause(ended)
                    + "; the Job is replacing it ("
                    + problem.map(StartProblem::message).orElse(waiting)
                    + "), and the new pod resumes from the run's last checkpoint";
        }
        return "pod "
                + name
                + " ended ("
                + phase(ended)
                + terminated(ended).map(t -> ", exit code " + t.getExitCode()).orElse("")
                + "); waiting for the Job's status";
    }

    private static String disruptionCause(Pod pod) {
        return pod.getStatus().getConditions().stream()
                .filter(c -> TrainerJobFactory.DISRUPTION_TARGET.equals(c.getType()))
                .map(c -> c.getReason() == null ? "disrupted" : "stopped (" + c.getReason() + ")")
                .findFirst()
                .orElse("disrupted");
    }

    private static Optional<JobCondition> trueCondition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static Instant finishedAt(Job job, JobCondition condition) {
        String time =
                condition.getLastTransitionTime() != null
                        ? condition.getLastTransitionTime()
                        : job.getStatus().getCompletionTime();
        if (time == null) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Optional<Pod> latest(Collection<Pod> pods, String phase) {
        return pods.stream()
                .filter(p -> phase.equals(phase(p)))
                .max(
                        Comparator.comparing(
                                        (Pod p) ->
                                                Objects.requireNonNullElse(
                                                        p.getMetadata().getCreationTimestamp(), ""))
                                .thenComparing(p -> p.getMetadata().getName()));
    }

    private static boolean isFailed(Pod pod) {
        return "Failed".equals(phase(pod));
    }

    private static boolean hasEnded(Pod pod) {
        return isFailed(pod) || "Succeeded".equals(phase(pod));
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    private static Optional<ContainerStateTerminated> terminated(Pod pod) {
        return containerStatuses(pod).stream()
                .filter(
                        s ->
                                RunNames.CONTAINER.equals(s.getName())
                                        || RunNames.READER_CONTAINER.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(Objects::nonNull)
                .map(s -> s.getTerminated())
                .filter(Objects::nonNull)
                .findFirst();
    }

    private static List<ContainerStatus> containerStatuses(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return List.of();
        }
        return pod.getStatus().getContainerStatuses();
    }
}
