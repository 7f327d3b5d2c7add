package io.pillsnap.trainer.data.synth;

/** The break groove on a tablet's back face. */
public enum ScoreLine {
    NONE,
    SINGLE,
    CROSS
}
