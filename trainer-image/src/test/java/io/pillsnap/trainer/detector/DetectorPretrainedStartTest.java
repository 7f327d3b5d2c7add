package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.run.TrainingRun;
import io.pillsnap.trainer.testing.TinyDatasets;
import io.pillsnap.trainer.weights.WeightFile;
import io.pillsnap.trainer.weights.WeightTensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detection stage naming {@code model.detector.pretrained} starts its detector from the file. */
class DetectorPretrainedStartTest {

    @TempDir static Path folder;
    static Path data;

    @BeforeAll
    static void generate() {
        data = TinyDatasets.generate(folder.resolve("data"), 4, 8, 1.0, 0.25);
    }

    @Test
    void theDetectorStartsFromTheNamedFile() throws Exception {
        Path file = fixture("yolo11n-tiny-1.pt");
        Path output = folder.resolve("pretrained");

        // a learning rate of 1e-7 keeps the one step from moving the weights visibly
        TrainingRun.run(
                config(stage("pretrained", file.toString()), output), StopSignal.manual(), d -> {});

        WeightTensor published = WeightFile.read(file).get("model.0.conv.weight");
        Path last =
                Checkpoints.find(output.resolve("checkpoints/" + DetectorTraining.LAST))
                        .orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray trained =
                    Checkpoints.read(last.resolve("weights.ndlist"), manager)
                            .get("model.0.conv.weight");
            float[] values = trained.toFloatArray();
            assertThat(values).hasSameSizeAs(published.values());
            for (int i = 0; i < values.length; i++) {
                assertThat(values[i])
                        .as("element %d", i)
                        .isCloseTo(published.values()[i], within(1e-4f));
            }
        }
    }

    @Test
    void aMissingFileStopsTheRunBeforeTrainingNamingTheKey() throws IOException {
        Path output = folder.resolve("missing");

        assertThatThrownBy(
                        () ->
                                TrainingRun.run(
                                        config(stage("missing", "pretrained/yolo11n.pt"), output),
                                        StopSignal.manual(),
                                        d -> {}))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "spec.model.detector.pretrained: " + data.resolve("pretrained/yolo11n.pt"))
                .hasMessageContaining(
                        "does not exist (a relative path is read from the dataset folder");
        assertThat(output.resolve("checkpoints/" + DetectorTraining.LAST)).doesNotExist();
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(DetectorPretrainedStartTest.class.getResource("/detector/" + name).toURI());
    }

    private static Path stage(String name, String pretrained) {
        String yaml =
                """
                apiVersion: pillsnap.io/v1alpha1
                kind: PillsnapStage
                metadata: {name: %s, namespace: test}
                spec:
                  stage: 3
                  dataset: {format: aihub, claimName: data, images: 32, classes: 4, seed: 42, valFraction: 0.25}
                  tasks: [detection]
                  model:
                    detector: {arch: yolo11n, imageSize: 64, widthMultiplier: 0.25, depthMultiplier: 0.5, optimizer: adamw, learningRate: 1.0e-7, pretrained: "%s"}
                  training: {epochs: 1, batchSize: "4", earlyStoppingPatience: 0}
                  resources: {gpus: 0}
                  successCriteria: [{metric: mAP50, threshold: 0.1}]
                """
                        .formatted(name, pretrained);
        try {
            Path file = folder.resolve(name + ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static TrainConfig config(Path stageFile, Path output) {
        var stage = TrainConfig.loadStage(stageFile, TrainConfig.Overrides.none());
        return new TrainConfig(
                stage,
                "r1-test",
                data,
                output,
                null,
                null,
                -1,
                1,
                "cpu",
                TrainerDefaults.forStage(null, 3));
    }
}
