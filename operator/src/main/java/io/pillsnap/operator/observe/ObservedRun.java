package io.pillsnap.operator.observe;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trainer Jobs and pods of a stage object (matched by its UID, never by name alone), as the
 * informers see them.
 *
 * @param attempts attempts of the stage's current run, by attempt number
 * @param disruptedPods pods of the current run stopped by preemption or eviction
 * @param resultReader the latest Job reading the current run's result.json, or null
 * @param jobs every Job of the stage, of any run
 */
public record ObservedRun(
        Map<Integer, ObservedAttempt> attempts,
        int disruptedPods,
        ObservedReader resultReader,
        List<OwnedJob> jobs) {

    /** A Job the stage owns. */
    public record OwnedJob(
            String name,
            String runId,
            Integer attempt,
            boolean reader,
            Integer read,
            Instant finishedAt) {

        public boolean finished() {
            return finishedAt != null;
        }
    }

    public static ObservedRun none() {
        return new ObservedRun(Map.of(), 0, null, List.of());
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
