package io.pillsnap.trainer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Stage YAML files for trainer tests: tiny model, tiny pictures, CPU. */
public final class TestStageFiles {

    private TestStageFiles() {}

    public static Path write(Path folder, String name, int classes, int images, int epochs) {
        return write(folder, name, classes, images, epochs, "cosine");
    }

    public static Path write(
            Path folder, String name, int classes, int images, int epochs, String schedule) {
        String yaml =
                """
                apiVersion: pillsnap.io/v1alpha1
                kind: PillsnapStage
                metadata: {name: %s, namespace: test}
                spec:
                  stage: 1
                  dataset: {format: aihub, claimName: data, images: %d, classes: %d, seed: 42, valFraction: 0.25}
                  model:
                    classifier: {imageSize: 48, widthMultiplier: 0.25, depthMultiplier: 0.25, dropout: 0.1, dropPathRate: 0.1}
                  training: {epochs: %d, batchSize: "8", learningRate: 0.003, warmupEpochs: 1, schedule: %s, emaDecay: 0.9, earlyStoppingPatience: 0}
                  resources: {gpus: 0}
                  successCriteria: [{metric: top1, threshold: 0.1}]
                """
                        .formatted(name, images, classes, epochs, schedule);
        try {
            Files.createDirectories(folder);
            Path file = folder.resolve(name + ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
