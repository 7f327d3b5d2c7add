package io.pillsnap.bench;

import io.pillsnap.trainer.TrainerMain;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model to benchmark when none is given: 6 synthetic drugs, the tiny EfficientNetV2 of the tests
 * (48 px, width and depth x 0.25), trained for a few epochs by the trainer CLI.
 */
final class TinyModel {

    private TinyModel() {}

    /** Trains into {@code folder} and returns the run folder. */
    static Path train(Path folder) throws IOException {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        NativeDefaults.apply();
        Path data = folder.resolve("data");
        Path run = folder.resolve("run");
        cli(
                "synth",
                "--output",
                data.toString(),
                "--classes",
                "6",
                "--images",
                "48",
                "--width",
                "244",
                "--height",
                "320",
                "--family-size",
                "1");
        Path stage =
                Files.writeString(
                        folder.resolve("stage.yaml"),
                        """
                        apiVersion: pillsnap.io/v1alpha1
                        kind: PillsnapStage
                        metadata: {name: bench, namespace: bench}
                        spec:
                          stage: 1
                          dataset: {format: aihub, claimName: data, images: 48, classes: 6, seed: 42, valFraction: 0.25}
                          model:
                            classifier: {imageSize: 48, widthMultiplier: 0.25, depthMultiplier: 0.25, dropout: 0.0, dropPathRate: 0.0}
                          training: {epochs: 3, batchSize: "8", learningRate: 0.003, warmupEpochs: 1, schedule: cosine, emaDecay: 0.9, earlyStoppingPatience: 0}
                          resources: {gpus: 0}
                          successCriteria: [{metric: top1, threshold: 0.1}]
                        """);
        cli(
                "train",
                "--stage",
                stage.toString(),
                "--data",
                data.toString(),
                "--output",
                run.toString(),
                "--run-id",
                "tiny",
                "--progress-port",
                "-1",
                "--termination-log",
                folder.resolve("termination.log").toString());
        return run;
    }

    private static void cli(String... args) {
        int code = TrainerMain.commandLine().execute(args);
        if (code != 0) {
            throw new IllegalStateException("pillsnap-trainer " + args[0] + " exited with " + code);
        }
    }
}
