package io.pillsnap.operator.observe;

/** The state of one trainer Job, read from the Job and its pods. */
public enum AttemptState {
    /** Suspended, e.g. waiting in a Kueue queue for quota. */
    SUSPENDED,
    /** Created, no trainer pod running yet (scheduling, pulling the image). */
    PENDING,
    RUNNING,
    /**
     * The attempt's pod ran and ended (or was preempted or evicted), but the Job has not concluded
     * yet: a replacement pod is coming, or the Job's own status follows the pod's.
     */
    RAN,
    /** The Job completed and a pod reported the trainer's exit (its termination message). */
    SUCCEEDED,
    /**
     * The Job completed but no pod has reported the trainer's exit: the pod's status has not
     * arrived yet, or the pod is gone (node removed, pod garbage-collected).
     */
    UNREPORTED,
    FAILED
}
