package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.trainer.classifier.ClassifierEpoch;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.engine.StoppedException;
import io.pillsnap.trainer.run.ImagePreparation;
import io.pillsnap.trainer.run.RunOutcome;
import io.pillsnap.trainer.run.TrainingRun;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage with both tasks trains both models in one process, their steps interleaved by the spec's
 * ratio (1:2: one detector step, two classifier steps, repeating); a run stopped in the middle
 * resumes both exactly, and a run through an image store trains both exactly as one without it.
 */
class InterleavedTrainingTest {

    static final int EPOCHS = 8;

    @TempDir static Path folder;
    static Path data;
    static Path stage;
    static RunOutcome uninterrupted;
    static final List<String> turns = new ArrayList<>();

    @BeforeAll
    static void trainOnce() throws IOException {
        data = TinyDatasets.generate(folder.resolve("data"), 6, 16, 1.0, 0.25);
        stage = folder.resolve("both.yaml");
        Files.writeString(
                stage,
                """
                apiVersion: pillsnap.io/v1alpha1
                kind: PillsnapStage
                metadata: {name: both, namespace: test}
                spec:
                  stage: 3
                  dataset: {format: aihub, claimName: data, images: 72, classes: 6, seed: 42, valFraction: 0.25}
                  tasks: [classification, detection]
                  model:
                    classifier: {imageSize: 48, widthMultiplier: 0.25, depthMultiplier: 0.25}
                    detector: {arch: yolo11n, imageSize: 64, widthMultiplier: 0.25, depthMultiplier: 0.34, mosaic: 0.5, closeMosaicEpochs: 1, nominalBatch: 8, optimizer: adamw}
                  training: {epochs: %d, batchSize: "8", earlyStoppingPatience: 0, interleaveRatio: "1:2"}
                  resources: {gpus: 0}
                  successCriteria: [{metric: pipelineTop1, threshold: 0.01}]
                """
                        .formatted(EPOCHS));
        uninterrupted =
                TrainingRun.run(
                        config(folder.resolve("uninterrupted"), null),
                        StopSignal.manual(),
                        d -> {},
                        turns::add);
    }

    @Test
    void stepsFollowTheRatioUntilOneTaskIsDone() {
        int detectorSteps = Collections.frequency(turns, "detector");
        int classifierSteps = Collections.frequency(turns, "classifier");
        assertThat(detectorSteps).isEqualTo(uninterrupted.detector().state().step());
        assertThat(classifierSteps).isEqualTo(uninterrupted.classifier().state().step());
        System.out.printf(
                "interleaved: %d detector and %d classifier steps%n",
                detectorSteps, classifierSteps);

        // while both train: detector, classifier, classifier, repeating; then the other alone
        int cycles = Math.min(detectorSteps, classifierSteps / 2);
        for (int i = 0; i < cycles * 3; i++) {
            assertThat(turns.get(i))
                    .as("step %d", i)
                    .isEqualTo(i % 3 == 0 ? "detector" : "classifier");
        }
        String rest = detectorSteps > cycles ? "detector" : "classifier";
        assertThat(turns.subList(cycles * 3, turns.size())).containsOnly(rest);
        assertThat(turns.size() - cycles * 3).isLessThan(Math.max(detectorSteps, classifierSteps));
    }

    @Test
    void bothModelsLearn() {
        List<ClassifierEpoch> classifier = uninterrupted.classifier().state().history();
        List<DetectorEpoch> detector = uninterrupted.detector().state().history();
        assertThat(classifier).hasSize(EPOCHS);
        assertThat(detector).hasSize(EPOCHS);
        System.out.printf(
                "classifier train loss %s%ndetector loss %s, mAP50 %s%n",
                classifier.stream().map(ClassifierEpoch::trainLoss).toList(),
                detector.stream().map(InterleavedTrainingTest::loss).toList(),
                detector.stream().map(DetectorEpoch::mAP50).toList());
        assertThat(classifier.get(EPOCHS - 1).trainLoss())
                .isLessThan(classifier.get(0).trainLoss());
        // the detector's logged loss first rises: its terms are normalised by the assigner's
        // target scores, which are near zero until the model scores anchors inside the boxes (the
        // reference's loss does the same); from its peak on it must fall, and mAP50 rise
        double peak =
                detector.stream().mapToDouble(InterleavedTrainingTest::loss).max().orElseThrow();
        assertThat(loss(detector.get(EPOCHS - 1))).isLessThan(0.8 * peak);
        assertThat(detector.get(EPOCHS - 1).mAP50()).isGreaterThan(detector.get(0).mAP50());
        assertThat(uninterrupted.pipeline().validation().score().pills()).isPositive();
        assertThat(uninterrupted.detector().state().history())
                .as("steps with non-finite gradients on clean data")
                .allSatisfy(epoch -> assertThat(epoch.skippedSteps()).isZero());
    }

    @Test
    void stoppedInTheMiddleResumesBothModelsExactly() {
        Path stopped = folder.resolve("stopped");
        Path last = stopped.resolve("checkpoints/last");
        List<String> resumedTurns = new ArrayList<>();
        // a check after every step and every epoch's end: stop in the first third, mid-epoch
        assertThatThrownBy(
                        () ->
                                TrainingRun.run(
                                        config(stopped, last),
                                        StopSignal.afterChecks(turns.size() / 3),
                                        d -> {},
                                        resumedTurns::add))
                .isInstanceOf(StoppedException.class)
                .hasMessageContaining("classifier")
                .hasMessageContaining("detector");
        RunOutcome resumed =
                TrainingRun.run(
                        config(stopped, last), StopSignal.manual(), d -> {}, resumedTurns::add);

        assertThat(resumedTurns).isEqualTo(turns);
        assertTrainedAsUninterrupted(resumed);
    }

    @Test
    void throughAnImageStoreBothModelsTrainExactlyAsWithoutOne() throws IOException {
        Path storedStage = folder.resolve("stored.yaml");
        Files.writeString(
                storedStage,
                Files.readString(stage)
                        .replace("valFraction: 0.25}", "valFraction: 0.25, imageStore: store}"));
        Path run = folder.resolve("through-store/runs/r1");
        TrainConfig config = config(storedStage, run, null);
        Path store = ImagePreparation.storeFolder(config, run);
        assertThat(store).isEqualTo(folder.resolve("through-store/store"));

        // prepared ahead, so the run reads every picture of both models from the store
        ImagePreparation.Summary prepared = ImagePreparation.build(config, d -> {}, store);
        RunOutcome stored = TrainingRun.run(config, StopSignal.manual(), d -> {});

        assertThat(prepared.pictures()).isGreaterThan(stored.sample().train().size());
        assertThat(prepared.stored()).isEqualTo(prepared.pictures());
        try (ImageStore opened = ImageStore.open(store, 1L << 30)) {
            assertThat(opened.size()).as("entries after the run").isEqualTo(prepared.pictures());
        }
        // the store holds the pixels a run prepares anew: the same training, step for step
        assertTrainedAsUninterrupted(stored);
    }

    /** Both models' epochs have the same figures, and the exported models are the same bytes. */
    private static void assertTrainedAsUninterrupted(RunOutcome run) {
        assertThat(figures(run.classifier().state().history()))
                .isEqualTo(figures(uninterrupted.classifier().state().history()));
        assertThat(detectorFigures(run.detector().state().history()))
                .isEqualTo(detectorFigures(uninterrupted.detector().state().history()));
        assertThat(run.models()).isEqualTo(uninterrupted.models());
    }

    private static List<List<Double>> figures(List<ClassifierEpoch> history) {
        return history.stream().map(InterleavedTrainingTest::figures).toList();
    }

    private static List<List<Double>> detectorFigures(List<DetectorEpoch> history) {
        return history.stream().map(DetectorTrainingTest::figures).toList();
    }

    private static double loss(DetectorEpoch epoch) {
        return epoch.boxLoss() + epoch.classLoss() + epoch.dflLoss();
    }

    private static List<Double> figures(ClassifierEpoch epoch) {
        return List.of(
                epoch.trainLoss(),
                epoch.learningRate(),
                epoch.valLoss(),
                epoch.top1(),
                epoch.top5());
    }

    private static TrainConfig config(Path output, Path resumeFrom) {
        return config(stage, output, resumeFrom);
    }

    private static TrainConfig config(Path stageFile, Path output, Path resumeFrom) {
        var loaded = TrainConfig.loadStage(stageFile, TrainConfig.Overrides.none());
        return new TrainConfig(
                loaded,
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
