package io.pillsnap.trainer.engine;

/** Training stopped on request after writing a checkpoint; the exit code is 143. */
public class StoppedException extends RuntimeException {

    public StoppedException(String message) {
        super(message);
    }
}
