package io.pillsnap.api.v1alpha1.status;

/**
 * Condition types of a stage, each True, False or Unknown. {@code kubectl wait
 * --for=condition=Promoted ps/stage1} waits for promotion.
 */
public enum ConditionType {
    /**
     * Summary: the stage has reached what its spec asks for (promoted, and served when serving is
     * enabled). {@code kubectl wait --for=condition=Ready ps/stage1} waits for it.
     */
    Ready,
    /** Every stage named in spec.after and spec.initFrom is Promoted. */
    PredecessorsPromoted,
    /** The trainer finished and reported a readable result. */
    Trained,
    /** Every success criterion holds. */
    GatePassed,
    /** The run's model is the stage's promoted model. */
    Promoted,
    /** The promoted model is served by Ready inference pods. */
    Serving
}
