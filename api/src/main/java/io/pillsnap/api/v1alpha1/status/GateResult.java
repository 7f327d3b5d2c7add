package io.pillsnap.api.v1alpha1.status;

/** Outcome of checking the success criteria. */
public enum GateResult {
    Passed,
    Failed,
    /** A metric a criterion needs was not reported: never treated as a pass. */
    Inconclusive
}
