package io.pillsnap.trainer.engine;

/**
 * Training cannot go on; the engine saves the task's last checkpoint where it stands before the run
 * fails with this message.
 */
public class KeptCheckpointException extends RuntimeException {

    public KeptCheckpointException(String message) {
        super(message);
    }
}
