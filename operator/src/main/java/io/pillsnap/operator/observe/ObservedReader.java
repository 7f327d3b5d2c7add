package io.pillsnap.operator.observe;

/**
 * The Job that reads a run's result.json from the artifacts claim when the trainer pod that
 * reported it is gone.
 *
 * @param message what the reader printed: the result file's content when SUCCEEDED, its error
 *     otherwise; null when no pod reported
 * @param detail why it is not done yet, or why it failed
 */
public record ObservedReader(String jobName, AttemptState state, String message, String detail) {}
