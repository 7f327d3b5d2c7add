package io.pillsnap.trainer.weights;

/** A weight file cannot be imported; the message names the file, the cause and the fix. */
public class WeightFileException extends RuntimeException {

    public WeightFileException(String message) {
        super(message);
    }

    public WeightFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
