package io.pillsnap.inference.model;

/** A run folder the server refuses to serve; the message names the file and the fix. */
public final class ModelLoadException extends Exception {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
