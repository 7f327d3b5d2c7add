package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.ApiConstants;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer Jobs and pods that belong to a stage, as the informers see them.
 *
 * @param attempts attempts of the stage's current run, by attempt number
 * @param disruptedPods pods of the current run stopped by preemption or eviction
 * @param activeJobs unfinished trainer Jobs of the stage, of any run
 */
public record ObservedRun(
        Map<Integer, ObservedAttempt> attempts, int disruptedPods, List<Job> activeJobs) {

    public static ObservedRun none() {
        return new ObservedRun(Map.of(), 0, List.of());
    }

    /** Unfinished Jobs that belong to another run than {@code run} (left behind by a rerun). */
    public List<Job> activeJobsOutside(int run) {
        String label = Integer.toString(run);
        return activeJobs.stream()
                .filter(
                        job ->
                                !label.equals(
                                        job.getMetadata().getLabels().get(ApiConstants.LABEL_RUN)))
                .toList();
    }

    public int highestAttempt() {
        return attempts.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    public Optional<ObservedAttempt> attempt(int number) {
        return Optional.ofNullable(attempts.get(number));
    }

    /** Failed attempts before {@code current} that are charged to the retry budget. */
    public int chargedFailuresBefore(int current) {
        return (int)
                attempts.values().stream()
                        .filter(a -> a.attempt() < current)
                        .filter(a -> a.state() == AttemptState.FAILED)
                        .filter(a -> a.failureKind() != FailureKind.DISRUPTION)
                        .count();
    }
}
