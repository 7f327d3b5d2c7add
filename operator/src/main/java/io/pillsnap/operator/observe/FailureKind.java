package io.pillsnap.operator.observe;

/** Why a trainer Job failed, which decides whether and how it is retried. */
public enum FailureKind {
    /** Exit code 2: retrying the same spec cannot help. */
    INVALID_CONFIGURATION,
    /** Exit code 3: the dataset cannot be trained on. */
    INVALID_DATA,
    /** The pod was preempted or evicted: retried without charging the budget. */
    DISRUPTION,
    /** The attempt ran past spec.training.activeDeadlineSeconds. */
    DEADLINE_EXCEEDED,
    /**
     * Its trainer pod did not run within spec.resources.startTimeoutSeconds (image pull,
     * scheduling, quota): charged, and the next attempt is a new Job.
     */
    START_TIMEOUT,
    /** Anything else (crash, OOM kill, node loss): retried from the last checkpoint. */
    ERROR;

    public boolean isPermanent() {
        return this == INVALID_CONFIGURATION || this == INVALID_DATA;
    }
}
