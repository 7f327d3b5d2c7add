package io.pillsnap.api.trainer;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Exit codes of the trainer. Permanent failures are not retried: the trainer Job's pod failure
 * policy fails the Job at once and the operator marks the stage Failed.
 */
public enum TrainerExitCode {
    SUCCEEDED(0, false),
    /** Any unexpected error; retried from the last checkpoint. */
    FAILED(1, false),
    INVALID_CONFIGURATION(2, true),
    /** E.g. no readable image in the dataset. */
    INVALID_DATA(3, true),
    /** SIGTERM (preemption, eviction, deletion): a checkpoint was written first. */
    TERMINATED(143, false);

    private final int code;
    private final boolean permanent;

    TrainerExitCode(int code, boolean permanent) {
        this.code = code;
        this.permanent = permanent;
    }

    public int code() {
        return code;
    }

    public boolean isPermanent() {
        return permanent;
    }

    public static Optional<TrainerExitCode> of(int code) {
        return Arrays.stream(values()).filter(c -> c.code == code).findFirst();
    }

    public static List<Integer> permanentCodes() {
        return Arrays.stream(values()).filter(c -> c.permanent).map(c -> c.code).toList();
    }
}
