package io.pillsnap.operator.images;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Reads a termination message or result.json as the operator reads a trainer pod's. */
@Command(
        name = "decode-result",
        mixinStandardHelpOptions = true,
        description = {
            "Decode FILE with the operator's TrainerResultCodec and print the result in one line;",
            "exit 1 when it is unreadable or its outcome is not Succeeded."
        })
final class DecodeResultCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() throws Exception {
        String message = Files.readString(file, StandardCharsets.UTF_8);
        var decoded = TrainerResultCodec.decode(message);
        if (decoded instanceof TrainerResultCodec.Decoded.Unreadable unreadable) {
            System.err.println(file + ": unreadable: " + unreadable.reason());
            return 1;
        }
        TrainerResult result = ((TrainerResultCodec.Decoded.Readable) decoded).result();
        System.out.printf(
                "%s: %s, run %s, %s epochs, metrics %s, test %s, export check %s, %d bytes%n",
                file.getFileName(),
                result.outcome(),
                result.runId(),
                result.epochs(),
                result.metrics(),
                result.test(),
                result.export() == null ? "none" : result.export().passed() ? "passed" : "FAILED",
                message.getBytes(StandardCharsets.UTF_8).length);
        if (result.outcome() != TrainerResult.Outcome.Succeeded) {
            System.err.println(file + ": outcome " + result.outcome() + ": " + result.message());
            return 1;
        }
        return 0;
    }
}
