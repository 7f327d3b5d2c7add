package io.pillsnap.operator.observe;

/** The state of one trainer Job, read from the Job and its pods. */
public enum AttemptState {
    /** Suspended, e.g. waiting in a Kueue queue for quota. */
    SUSPENDED,
    /** Created, no trainer pod running yet (scheduling, pulling the image). */
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED
}
