package io.pillsnap.operator.observe;

import io.pillsnap.operator.desired.ResultReaderJobFactory;
import java.time.Instant;

/**
 * A Job that reads a run's result.json from the artifacts claim when the trainer pod that reported
 * it is gone.
 *
 * @param read which read of the run it is, from 1
 * @param message what the reader printed: the result file's content when SUCCEEDED, its error
 *     otherwise; null when no pod reported
 * @param detail why it is not done yet, or why it failed
 * @param exitCode the reader container's exit code when it ran and failed; null when it never ran
 *     (or its pod is gone)
 * @param finishedAt when the reader Job failed or completed; null while it runs
 */
public record ObservedReader(
        String jobName,
        int read,
        AttemptState state,
        String message,
        String detail,
        Integer exitCode,
        Instant finishedAt) {

    /** The reader ran and found no result file: the run's result is lost. */
    public boolean reportedFileAbsent() {
        return state == AttemptState.FAILED
                && exitCode != null
                && exitCode == ResultReaderJobFactory.FILE_ABSENT_EXIT_CODE;
    }

    /**
     * It ended without the result for a reason of its own, which says nothing about the file: it
     * never started (image pull, volume, quota), hit its deadline, failed to read, or its pod
     * vanished. Another read may succeed.
     */
    public boolean failedOnItsOwn() {
        return state == AttemptState.FAILED && !reportedFileAbsent()
                || state == AttemptState.UNREPORTED;
    }
}
