package io.pillsnap.operator.plan;

import io.pillsnap.operator.config.OperatorConfig;
import java.time.Duration;

/**
 * The operator settings decisions depend on.
 *
 * @param resultWait how long a completed trainer Job's pod may take to report the result before it
 *     is read from the run folder instead
 * @param finishedJobRetention how long a finished trainer Job whose outcome the status recorded is
 *     kept (for kubectl logs) before the operator deletes it
 * @param rolloutCheckInterval how often a rollout waiting for Ready pods is looked at again
 * @param resultReadBackoff how long after the first result reader that failed for its own reasons
 *     the file is read again; it doubles with each such failure, up to {@link #MAX_READ_BACKOFF}
 */
public record PlanSettings(
        Duration resultWait,
        Duration finishedJobRetention,
        Duration rolloutCheckInterval,
        Duration resultReadBackoff) {

    /** The longest wait between two reads of a result file. */
    public static final Duration MAX_READ_BACKOFF = Duration.ofMinutes(10);

    public static PlanSettings of(OperatorConfig config) {
        return new PlanSettings(
                config.resultWait(),
                config.finishedJobRetention(),
                config.rolloutCheckInterval(),
                config.resultReadBackoff());
    }

    /**
     * How long a stage whose track's name is taken by a Service of another owner waits before it
     * tries the switch again.
     */
    public Duration trackConflictRecheck() {
        return rolloutCheckInterval.multipliedBy(10);
    }

    /** The wait after the {@code failedReads}-th result read that failed for its own reasons. */
    public Duration readBackoff(int failedReads) {
        Duration backoff = resultReadBackoff;
        for (int i = 1; i < failedReads && backoff.compareTo(MAX_READ_BACKOFF) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(MAX_READ_BACKOFF) > 0 ? MAX_READ_BACKOFF : backoff;
    }
}
