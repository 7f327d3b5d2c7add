package io.pillsnap.trainer.data;

/** The dataset cannot be trained on; the trainer exits with code 3 (not retried). */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }
}
