package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.DetectorExportCheck;
import io.pillsnap.api.artifact.Digests;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.detector.data.DetectionPhotos;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.engine.StoppedException;
import io.pillsnap.trainer.run.CheckpointEvaluation;
import io.pillsnap.trainer.run.ManifestWriter;
import io.pillsnap.trainer.run.PipelineTruth;
import io.pillsnap.trainer.run.RunOutcome;
import io.pillsnap.trainer.run.TrainingRun;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage with {@code tasks: [detection]} trains the detector alone, end to end: run folder,
 * checkpoints, metrics, report pictures, {@code detector.onnx} with its check in the manifest, and
 * an exact resume.
 */
class DetectorTrainingTest {

    static final int SIZE = 64;

    @TempDir static Path folder;
    static Path data;

    @BeforeAll
    static void generate() {
        // 6 drugs x 16 single photos and as many combination photos of 2-6 pills, a quarter of
        // each folder in val/ (the test set)
        data = TinyDatasets.generate(folder.resolve("data"), 6, 16, 1.0, 0.25);
    }

    @Test
    void detectionStageTrainsTheDetectorAloneAndExportsItChecked() throws IOException {
        Path output = folder.resolve("alone");
        RunOutcome result =
                TrainingRun.run(
                        config(stage("alone", 2), output, null), StopSignal.manual(), d -> {});

        assertThat(result.classifier()).isNull();
        DetectorOutcome detector = result.detector();
        assertThat(detector).isNotNull();
        assertThat(detector.state().epochsDone()).isEqualTo(2);
        assertThat(detector.state().history())
                .as("steps with non-finite gradients on clean data")
                .allSatisfy(epoch -> assertThat(epoch.skippedSteps()).isZero());
        assertThat(result.metrics()).containsOnlyKeys("mAP50", "mAP50-95");
        assertThat(result.testMetrics()).containsOnlyKeys("mAP50", "mAP50-95");
        assertThat(detector.validation().images()).isEqualTo(detector.valPhotos());
        assertThat(detector.testPhotos()).isPositive();

        DetectorExportCheck check = detector.exportCheck();
        assertThat(check.passed()).isTrue();
        assertThat(check.images()).isPositive();
        assertThat(check.maxAbsDiff()).isLessThan(1e-4 * Math.max(1, check.largestOutput()));

        RunDirectory dir = new RunDirectory(output);
        ArtifactManifest manifest =
                ManifestWriter.write(
                        dir,
                        config(stage("alone", 2), output, null),
                        result,
                        result.classMapSha256(),
                        result.models());
        ModelFile onnx = manifest.model(ModelFile.DETECTOR).orElseThrow();
        assertThat(onnx.file()).isEqualTo(DetectorExport.FILE);
        assertThat(onnx.sha256()).isEqualTo(Digests.sha256(output.resolve("detector.onnx")));
        assertThat(onnx.inputShape()).containsExactly(-1L, 3L, (long) SIZE, (long) SIZE);
        assertThat(manifest.detectorExportCheck()).isEqualTo(check);
        assertThat(manifest.model(ModelFile.CLASSIFIER)).isEmpty();
        assertThat(output.resolve("classifier.onnx")).doesNotExist();

        assertThat(output.resolve("checkpoints/" + DetectorTraining.BEST)).isDirectory();
        assertThat(output.resolve("checkpoints/" + DetectorTraining.LAST)).isDirectory();
        assertThat(output.resolve("report/detector-pr-curve.png")).isRegularFile();
        assertThat(output.resolve("report/detector-examples/val-1.png")).isRegularFile();
        JsonNode metrics =
                JsonMapper.builder().build().readTree(output.resolve("metrics.json").toFile());
        assertThat(metrics.path("detector").path("validation").path("mAP50").isNumber()).isTrue();
        assertThat(metrics.path("detector").path("test").path("mAP50-95").isNumber()).isTrue();
        assertThat(metrics.path("detector").path("history")).hasSize(2);
        assertThat(metrics.has("final")).isFalse();

        // pillsnap-trainer evaluate scores the same checkpoint the same way
        Map<String, Object> again = CheckpointEvaluation.run(output, data, Checkpoints.BEST, "cpu");
        Map<?, ?> scored = (Map<?, ?>) again.get("detector");
        assertThat(((Map<?, ?>) scored.get("validation")).get("mAP50-95"))
                .isEqualTo(detector.validation().mAP50to95());
        assertThat(((Map<?, ?>) scored.get("test")).get("mAP50"))
                .isEqualTo(detector.test().mAP50());
        assertThat(output.resolve("report/evaluation-detector-best.json")).isRegularFile();
    }

    @Test
    void singlePillPhotosJoinTheTrainingPhotosWithTheirOneBoxWhenAsked() throws IOException {
        Path stage = stage("singles", 1);
        Files.writeString(
                stage,
                Files.readString(stage)
                        .replace(
                                "closeMosaicEpochs: 1",
                                "closeMosaicEpochs: 1," + " singlePhotoFraction: 0.5"));
        RunOutcome result =
                TrainingRun.run(
                        config(stage, folder.resolve("singles"), null),
                        StopSignal.manual(),
                        d -> {});

        int singles = (int) Math.round(0.5 * result.sample().train().size());
        assertThat(singles).isPositive();
        assertThat(result.detector().trainPhotos())
                .isEqualTo(result.sample().combinationTrain().size() + singles);
        // validation and test stay combination photos
        assertThat(result.detector().valPhotos())
                .isEqualTo(result.sample().combinationVal().size());
    }

    @Test
    void bothTasksTrainBothModelsAndScoreTheTwoStagePipeline() throws IOException {
        Path stage = stage("both", 1);
        Files.writeString(
                stage,
                Files.readString(stage)
                        .replace("tasks: [detection]", "tasks: [classification, detection]")
                        .replace(
                                "  model:\n",
                                "  model:\n    classifier: {imageSize: 48, widthMultiplier: 0.25,"
                                        + " depthMultiplier: 0.25}\n")
                        .replace("metric: mAP50,", "metric: pipelineTop1,"));
        Path output = folder.resolve("both");
        RunOutcome result =
                TrainingRun.run(config(stage, output, null), StopSignal.manual(), d -> {});

        assertThat(result.classifier()).isNotNull();
        assertThat(result.detector()).isNotNull();
        // the synthetic labels name their categories as AIHub's files do, never by K-code: every
        // box gets its drug from its file, so every validation pill is scored
        int boxes =
                result.sample().combinationVal().stream()
                        .mapToInt(photo -> photo.boxes().size())
                        .sum();
        assertThat(result.pipeline().validation().score().pills()).isEqualTo(boxes).isPositive();
        assertThat(result.pipeline().validation().boxes())
                .isEqualTo(new PipelineTruth.Counts(boxes, boxes, 0, 0));
        assertThat(result.metrics()).containsKeys("top1", "mAP50", "mAP50-95", "pipelineTop1");
        assertThat(result.testMetrics()).containsKeys("top1", "mAP50", "pipelineTop1");
        assertThat(result.metrics().get("pipelineTop1"))
                .isEqualTo(result.pipeline().validation().score().accuracy());
        assertThat(result.models())
                .extracting(ModelFile::role)
                .containsExactly(ModelFile.CLASSIFIER, ModelFile.DETECTOR);
        JsonNode metrics =
                JsonMapper.builder().build().readTree(output.resolve("metrics.json").toFile());
        assertThat(metrics.path("pipeline").path("test").path("pills").asInt()).isPositive();
        assertThat(metrics.path("pipeline").path("test").path("scoredBoxes").asInt())
                .isEqualTo(metrics.path("pipeline").path("test").path("pills").asInt());
        assertThat(metrics.path("pipeline").path("test").path("noDrugBoxes").asInt()).isZero();
        assertThat(metrics.path("final").path("top1").isNumber()).isTrue();
    }

    /**
     * A run stopped mid-epoch continues from its checkpoint exactly as the uninterrupted run went
     * on: the same losses, validation figures and schedule in every epoch, the same exported
     * detector.
     */
    @Test
    void stoppedDetectorResumesFromItsCheckpointMidEpoch() {
        Path stage = stage("resume", 2);
        RunOutcome uninterrupted =
                TrainingRun.run(
                        config(stage, folder.resolve("uninterrupted"), null),
                        StopSignal.manual(),
                        d -> {});
        int batches = (uninterrupted.detector().trainPhotos() + 7) / 8;

        // a check after every batch and after every epoch: stop at epoch 2, batch 2, where the
        // accumulation (ramping from 1 towards 64 / 8 during warm-up) has reached 2 batches per
        // optimizer step and one batch's gradient waits for the next
        Path stopped = folder.resolve("stopped");
        Path last = stopped.resolve("checkpoints/last");
        assertThatThrownBy(
                        () ->
                                TrainingRun.run(
                                        config(stage, stopped, last),
                                        StopSignal.afterChecks(batches + 3),
                                        d -> {}))
                .isInstanceOf(StoppedException.class)
                .hasMessageContaining("stopped at detector epoch 2, batch 2");
        Path checkpoint = stopped.resolve("checkpoints/" + DetectorTraining.LAST);
        DetectorState partial = Checkpoints.readState(checkpoint, DetectorState.class);
        assertThat(partial.epochsDone()).isEqualTo(1);
        assertThat(partial.nextBatch()).isEqualTo(2);
        assertThat(partial.step()).isEqualTo(batches + 2L);
        assertThat(partial.epochSteps() + partial.epochSkipped()).isEqualTo(2);
        assertThat(partial.pendingBatches()).isEqualTo(1);
        assertThat(partial.optimizerSteps()).isLessThan(partial.step());
        assertThat(checkpoint.resolve(Checkpoints.GRADIENTS)).isRegularFile();

        RunOutcome resumed =
                TrainingRun.run(config(stage, stopped, last), StopSignal.manual(), d -> {});

        DetectorState state = resumed.detector().state();
        assertThat(state.step()).isEqualTo(uninterrupted.detector().state().step());
        assertThat(state.history()).hasSize(2);
        assertThat(state.history().get(0)).isEqualTo(partial.history().get(0));
        assertThat(state.history().stream().map(DetectorTrainingTest::figures).toList())
                .isEqualTo(
                        uninterrupted.detector().state().history().stream()
                                .map(DetectorTrainingTest::figures)
                                .toList());
        assertThat(resumed.detector().model().sha256())
                .isEqualTo(uninterrupted.detector().model().sha256());
    }

    /** An epoch's losses, validation figures and learning rate (not its timings). */
    static List<Double> figures(DetectorEpoch epoch) {
        return List.of(
                epoch.boxLoss(),
                epoch.classLoss(),
                epoch.dflLoss(),
                epoch.mAP50(),
                epoch.mAP50to95(),
                epoch.learningRate());
    }

    @Test
    void aDetectorWithOneChangedWeightByteFailsTheCheckAndItsChecksum() throws IOException {
        Path output = folder.resolve("tamper");
        RunOutcome result =
                TrainingRun.run(
                        config(stage("tamper", 1), output, null), StopSignal.manual(), d -> {});
        Path onnx = output.resolve(DetectorExport.FILE);
        String sha256 = result.detector().model().sha256();

        Yolo11Config architecture = Yolo11Config.of("yolo11n").scaled(0.25, 0.34);
        try (DetectorModel model = new DetectorModel(architecture, SIZE, Device.cpu(), 1)) {
            Checkpoints.loadWeights(
                    output.resolve("checkpoints/" + DetectorTraining.BEST),
                    model.parameters(),
                    false,
                    model.manager());
            // the exponent byte of the first weight of the last box convolution, found in the file
            // by its float32 bytes
            Parameter weight = model.parameters().get("model.23.cv2.2.2.weight");
            float[] values = weight.getArray().toFloatArray();
            ByteBuffer pattern = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 4; i++) {
                pattern.putFloat(values[i]);
            }
            byte[] bytes = Files.readAllBytes(onnx);
            int at = indexOf(bytes, pattern.array());
            assertThat(at).as("the weight's bytes in detector.onnx").isPositive();
            bytes[at + 3] ^= 0x40;
            Files.write(onnx, bytes);

            List<BoxedPhoto> photos =
                    DetectionPhotos.load(
                                    result.sample().combinationVal(),
                                    DetectionPhotos.Use.SCORING,
                                    new Letterbox(SIZE),
                                    1,
                                    new SkipReport(),
                                    n -> {})
                            .subList(0, 4);
            DetectorExportCheck check = DetectorExport.check(onnx, photos, model::head, SIZE, 1e-4);

            assertThat(check.passed()).isFalse();
            assertThat(check.maxAbsDiff()).isGreaterThan(1e-4 * Math.max(1, check.largestOutput()));
        }
        assertThat(Digests.sha256(onnx)).isNotEqualTo(sha256);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Path stage(String name, int epochs) {
        String yaml =
                """
                apiVersion: pillsnap.io/v1alpha1
                kind: PillsnapStage
                metadata: {name: %s, namespace: test}
                spec:
                  stage: 3
                  dataset: {format: aihub, claimName: data, images: 48, classes: 6, seed: 42, valFraction: 0.25}
                  tasks: [detection]
                  model:
                    detector: {arch: yolo11n, imageSize: %d, widthMultiplier: 0.25, depthMultiplier: 0.34, mosaic: 0.5, closeMosaicEpochs: 1}
                  training: {epochs: %d, batchSize: "8", earlyStoppingPatience: 0}
                  resources: {gpus: 0}
                  successCriteria: [{metric: mAP50, threshold: 0.1}]
                """
                        .formatted(name, SIZE, epochs);
        try {
            Path file = folder.resolve(name + ".yaml");
            Files.writeString(file, yaml);
            return file;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static TrainConfig config(Path stageFile, Path output, Path resumeFrom) {
        var stage = TrainConfig.loadStage(stageFile, TrainConfig.Overrides.none());
        return new TrainConfig(
                stage,
                "r1-test",
                data,
                output,
                resumeFrom,
                null,
                -1,
                null,
                "cpu",
                TrainerDefaults.forStage(null, 3));
    }
}
