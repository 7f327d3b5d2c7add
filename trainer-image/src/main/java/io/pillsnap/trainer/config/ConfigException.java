package io.pillsnap.trainer.config;

/** The run's configuration is invalid; the trainer exits with code 2 (not retried). */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
