package io.pillsnap.trainer.cli;

import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.data.DataException;
import java.util.concurrent.Callable;

/** The errors a user fixes in a command's input: the cause on stderr and its exit code. */
final class InputErrors {

    private InputErrors() {}

    /** Runs a command's work; invalid configuration or data end it with their exit code. */
    static int exitCode(Callable<Integer> work) throws Exception {
        try {
            return work.call();
        } catch (ConfigException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            return TrainerExitCode.INVALID_CONFIGURATION.code();
        } catch (DataException e) {
            System.err.println("invalid data: " + e.getMessage());
            return TrainerExitCode.INVALID_DATA.code();
        }
    }
}
