package io.pillsnap.trainer.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.run.CheckpointEvaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pillsnap-trainer evaluate}: scores a saved checkpoint of a run again. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        resourceBundle = "io.pillsnap.trainer.cli.EvaluateCommand",
        header = "Evaluate a run's checkpoints on its validation split and the test set.",
        description = {
            "Evaluate a run's checkpoint on the run's validation split (the same pictures, sampled",
            "again with the run's stage file) and, when the data has a val/ folder, on the test",
            "set; print top-1, top-5, macro-F1 and latency, and write the HTML report to",
            "report/evaluate-<checkpoint>/ of the run. A run with a detector also scores its",
            "detector checkpoint on the combination photos (mAP50, mAP50-95, precision, recall)."
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Option(
            names = "--run",
            required = true,
            paramLabel = "DIR",
            description = "Run folder written by train")
    Path run;

    @Mixin SharedOptions.Data data;

    @Option(
            names = "--checkpoint",
            defaultValue = Checkpoints.BEST,
            paramLabel = "best|last",
            description = "Which checkpoint (default: best)")
    String checkpoint;

    @Mixin SharedOptions.Device device;

    @Override
    public Integer call() throws Exception {
        return InputErrors.exitCode(this::evaluate);
    }

    private int evaluate() throws IOException {
        Map<String, Object> metrics =
                CheckpointEvaluation.run(run, data.root, checkpoint, device.name);
        if (metrics.get("warning") instanceof String warning) {
            System.err.println("warning: " + warning);
        }
        System.out.println(
                JsonMapper.builder()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .build()
                        .writeValueAsString(metrics));
        return TrainerExitCode.SUCCEEDED.code();
    }
}
