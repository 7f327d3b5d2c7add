package io.pillsnap.operator.images;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The helpers e2e/images.sh runs on the host, with the operator's test class path: they build the
 * pods the operator and its chart make and turn them into podman arguments, play the API server for
 * the operator image, and read the trainer image's outputs with the operator's own code.
 */
@Command(
        name = "images-check",
        mixinStandardHelpOptions = true,
        subcommands = {
            PodmanRunCommand.class,
            MockApiServerCommand.class,
            DecodeResultCommand.class,
            PollProgressCommand.class
        },
        description = "Helpers of e2e/images.sh; see e2e/README.md.")
public final class ImagesCheck {

    private ImagesCheck() {}

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new ImagesCheck());
        // one line naming the cause, as the script prints it
        commandLine.setExecutionExceptionHandler(
                (e, line, parsed) -> {
                    line.getErr()
                            .println(
                                    "images-check "
                                            + line.getCommandName()
                                            + ": "
                                            + e.getMessage());
                    return 1;
                });
        System.exit(commandLine.execute(args));
    }
}
