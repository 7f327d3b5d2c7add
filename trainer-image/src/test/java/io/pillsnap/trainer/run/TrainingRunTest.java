package io.pillsnap.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.classifier.ClassifierCalibration;
import io.pillsnap.trainer.classifier.ClassifierEpoch;
import io.pillsnap.trainer.classifier.ClassifierModel;
import io.pillsnap.trainer.classifier.ClassifierState;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubScanner;
import io.pillsnap.trainer.data.Augmentation;
import io.pillsnap.trainer.data.Augmenter;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.StageSampler;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.engine.StoppedException;
import io.pillsnap.trainer.testing.TestStageFiles;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    /** 6 classes x 8 pictures: 36 train (5 batches of 8), 12 validation. */
    private static final int CLASSES = 6;

    private static final int IMAGES = 48;

    private static final int EPOCHS = 3;

    @TempDir static Path folder;
    static Path data;

    @BeforeAll
    static void generate() {
        data = TinyDatasets.generate(folder.resolve("data"), CLASSES, 8, 0);
    }

    @Test
    void aFewEpochsOfTrainingLowerTheLoss() {
        StageSample sample =
                StageSampler.sample(
                        data,
                        AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2),
                        CLASSES,
                        IMAGES,
                        42,
                        0.25);
        Preprocessing preprocessing = Preprocessing.imagenet(48);
        List<io.pillsnap.trainer.data.Sample> all = new java.util.ArrayList<>(sample.train());
        all.addAll(sample.val());
        ImageSource train =
                ImageSource.load(
                        all,
                        ImageSource.servedAs(preprocessing),
                        48 * 48 * 3,
                        2,
                        Long.MAX_VALUE,
                        new SkipReport(),
                        n -> {});
        EfficientNetV2Config config =
                EfficientNetV2Config.S.scaled(0.25, 0.25).withRegularisation(0, 0);
        try (ClassifierModel model = new ClassifierModel(config, CLASSES, 48, Device.cpu(), 1)) {
            double before = trainingModeLoss(model, train, preprocessing);
            AdamW optimizer = new AdamW(model.trainable(), 0.0f);
            Augmenter none = new Augmenter(new Augmentation(1, 1, 0, 0, 0, 0, 0, null), 48);
            // three epochs of 12 steps: one epoch of batches of 4 with batch-norm statistics is
            // too noisy to lower the loss whatever the pixels (one grey level more or less on a
            // few pixels turned one epoch's drop into a rise)
            for (int epoch = 0; epoch < EPOCHS; epoch++) {
                try (BatchLoader loader =
                        new BatchLoader(
                                LoaderPlan.builder()
                                        .source(train)
                                        .order(BatchLoader.shuffled(train.size(), 1, epoch))
                                        .batchSize(4)
                                        .augmenter(none)
                                        .preprocessing(preprocessing)
                                        .seed(1)
                                        .epoch(epoch)
                                        .workers(1)
                                        .prefetch(2)
                                        .build())) {
                    loader.forEachRemaining(
                            batch -> model.trainStep(batch, optimizer, null, 0.001f, 0f, 0f));
                }
            }
            double after = trainingModeLoss(model, train, preprocessing);

            System.out.printf(
                    "training-set loss before %.4f, after %d epochs %.4f%n", before, EPOCHS, after);
            assertThat(after).isLessThan(before);
        }
    }

    @Test
    void resumedRunContinuesExactlyLikeAnUninterruptedOne() {
        Path stage = TestStageFiles.write(folder, "resume", CLASSES, IMAGES, 2);
        RunOutcome uninterrupted =
                TrainingRun.run(
                        config(stage, folder.resolve("uninterrupted"), null),
                        StopSignal.manual(),
                        d -> {});

        RunOutcome resumed = stoppedInEpochTwoAndResumed(stage, folder.resolve("stopped"), null);

        assertEndedAsUninterrupted(resumed, uninterrupted);
    }

    @Test
    void augmentedOnTheDeviceFromTheStoreAResumedRunTrainsExactlyAsAnUninterruptedOne()
            throws IOException {
        Path stage = TestStageFiles.write(folder, "on-device", CLASSES, IMAGES, 2);
        // no memory cache: every picture is copied from the store into its batch
        Path defaults =
                defaults(
                        "defaults-on-device.yaml",
                        bundled ->
                                bundled.replaceFirst(
                                                "(?m)^  cacheScale:",
                                                "  imageStore: image-store\n  cacheScale:")
                                        .replaceFirst(
                                                "(?m)^  cacheMemoryFraction: [0-9.]+",
                                                "  cacheMemoryFraction: 0")
                                        .replaceFirst(
                                                "(?m)^    placement: auto",
                                                "    placement: device"));
        assertThat(TrainerDefaults.forStage(defaults, 1).augmentation().onDevice(false)).isTrue();
        Path runs = folder.resolve("on-device-stage").resolve("runs");
        RunOutcome uninterrupted =
                TrainingRun.run(
                        config(stage, runs.resolve("whole"), null, data, defaults),
                        StopSignal.manual(),
                        d -> {});
        RunOutcome resumed = stoppedInEpochTwoAndResumed(stage, runs.resolve("stopped"), defaults);

        assertEndedAsUninterrupted(resumed, uninterrupted);
        assertThat(history(uninterrupted).get(0).trainLoss()).isFinite();
        try (var store =
                io.pillsnap.trainer.data.ImageStore.open(
                        runs.resolve("../image-store").normalize(), 1L << 30)) {
            assertThat(store.size()).isEqualTo(uninterrupted.sample().train().size());
        }
    }

    /**
     * A two-epoch run stopped at epoch 2's second batch, then started again. 5 batches per epoch:
     * checks 1-5 are epoch 1's batches, 6 its end, 7-8 epoch 2's first two. The operator passes
     * --resume-from to every start of a run, the first one included, when the checkpoint does not
     * exist yet.
     */
    private static RunOutcome stoppedInEpochTwoAndResumed(Path stage, Path stopped, Path defaults) {
        Path last = stopped.resolve("checkpoints/last");
        assertThatThrownBy(
                        () ->
                                TrainingRun.run(
                                        config(stage, stopped, last, data, defaults),
                                        StopSignal.afterChecks(8),
                                        d -> {}))
                .isInstanceOf(StoppedException.class)
                .hasMessageContaining("stopped at classifier epoch 2, batch 2");
        ClassifierState partial = Checkpoints.readState(last, ClassifierState.class);
        assertThat(partial.epochsDone()).isEqualTo(1);
        assertThat(partial.nextBatch()).isEqualTo(2);
        return TrainingRun.run(
                config(stage, stopped, last, data, defaults), StopSignal.manual(), d -> {});
    }

    private static void assertEndedAsUninterrupted(RunOutcome resumed, RunOutcome uninterrupted) {
        List<ClassifierEpoch> expected = history(uninterrupted);
        List<ClassifierEpoch> actual = history(resumed);
        assertThat(actual).hasSize(2);
        assertThat(actual.get(1).valLoss()).isEqualTo(expected.get(1).valLoss());
        assertThat(actual.get(1).top1()).isEqualTo(expected.get(1).top1());
        assertThat(resumed.classifier().validation().top1())
                .isEqualTo(uninterrupted.classifier().validation().top1());
        assertThat(resumed.classifier().validation().loss())
                .isEqualTo(uninterrupted.classifier().validation().loss());
    }

    /** The bundled trainer defaults, edited, written to {@code name}. */
    private static Path defaults(String name, java.util.function.UnaryOperator<String> edit)
            throws IOException {
        String bundled;
        try (var in =
                TrainerDefaults.class.getResourceAsStream(
                        "/io/pillsnap/trainer/trainer-defaults.yaml")) {
            bundled = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String edited = edit.apply(bundled);
        assertThat(edited).as("the edit applied").isNotEqualTo(bundled);
        Path file = folder.resolve(name);
        Files.writeString(file, edited);
        return file;
    }

    @Test
    void runWritesItsArtifactLayout() {
        Path stage = TestStageFiles.write(folder, "layout", CLASSES, IMAGES, 1);
        Path output = folder.resolve("layout-run");

        RunOutcome result =
                TrainingRun.run(config(stage, output, null), StopSignal.manual(), d -> {});

        assertThat(output.resolve("classes.json")).isRegularFile();
        assertThat(output.resolve("data/sample.csv")).isRegularFile();
        assertThat(output.resolve("data/sample.sha256"))
                .content()
                .startsWith(result.sample().manifestSha256());
        assertThat(output.resolve("checkpoints/last/weights.ndlist")).isRegularFile();
        assertThat(output.resolve("checkpoints/last/optimizer.ndlist")).isRegularFile();
        assertThat(output.resolve("checkpoints/last/ema.ndlist")).isRegularFile();
        assertThat(output.resolve("checkpoints/best/weights.ndlist")).isRegularFile();
        assertThat(output.resolve("metrics.json"))
                .content()
                .contains("\"final\"")
                .contains("\"latencyP95Ms\"");
        assertThat(output.resolve("report/per_class.csv"))
                .content()
                .startsWith("index,k_code,edi_code,name");
        assertThat(output.resolve("report/confusion.csv")).isRegularFile();
        assertThat(output.resolve("report/index.html")).content().contains("validation set");
        assertThat(output.resolve("report/confusion-validation.png")).isRegularFile();
        assertThat(output.resolve("report/skipped.json")).isRegularFile();
        assertThat(output.resolve("tensorboard")).isNotEmptyDirectory();
        assertThat(result.classifier().validation().images()).isEqualTo(12);
        assertThat(result.classifier().latency().p95Ms()).isPositive();
    }

    @Test
    void theTestSetIsScoredOnceAtTheEndAndNeverChoosesTheCheckpoint() throws IOException {
        // the same train/ folder, once alone and once beside a val/ folder of the same drugs
        Path withTest = folder.resolve("data-with-test");
        copy(data, withTest);
        Path other = TinyDatasets.generate(folder.resolve("other"), CLASSES, 10, 0, 0.3);
        copy(other.resolve("val"), withTest.resolve("val"));
        // a test photo without a label file: not scored, but counted and listed
        Path labelled;
        try (var photos =
                Files.walk(withTest.resolve("val/images/single")).filter(Files::isRegularFile)) {
            labelled = photos.sorted().findFirst().orElseThrow();
        }
        Path unlabelled = labelled.resolveSibling("unlabelled-" + labelled.getFileName());
        Files.copy(labelled, unlabelled);
        Path stage = TestStageFiles.write(folder, "tested", CLASSES, IMAGES, 2);

        RunOutcome without =
                TrainingRun.run(
                        config(stage, folder.resolve("without-test"), null, data),
                        StopSignal.manual(),
                        d -> {});
        RunOutcome with =
                TrainingRun.run(
                        config(stage, folder.resolve("with-test"), null, withTest),
                        StopSignal.manual(),
                        d -> {});

        assertThat(without.test()).isNull();
        assertThat(without.testMetrics()).isEmpty();
        assertThat(with.test().images()).isEqualTo(CLASSES * 3);
        // the calibrated answers (issue 25): this barely trained model answers nothing at the
        // stage's answer precision, so the precision of its answered photos is undefined
        assertThat(with.testMetrics())
                .containsOnlyKeys(
                        "top1",
                        "top5",
                        "macroF1",
                        "ece",
                        "coverage",
                        "worstClassRecall",
                        "unknownRejection");
        assertThat(with.testMetrics().get("coverage")).isZero();
        assertThat(with.testMetrics().get("unknownRejection")).isEqualTo(1.0);
        assertThat(with.testMetrics().get("top1")).isEqualTo(with.test().top1());
        // training, checkpoint choice and validation are the same with or without the test set
        assertThat(with.bestEpoch()).isEqualTo(without.bestEpoch());
        assertThat(history(with).stream().map(ClassifierEpoch::valLoss).toList())
                .isEqualTo(history(without).stream().map(ClassifierEpoch::valLoss).toList());
        assertThat(with.classifier().validation().top1())
                .isEqualTo(without.classifier().validation().top1());
        // the report shows both sets; the run without a test set shows validation only
        Path report = with.runDirectory().resolve("report");
        assertThat(report.resolve("confusion-test.png")).isRegularFile();
        assertThat(report.resolve("per_class-test.csv")).isRegularFile();
        assertThat(report.resolve("evaluation.json")).content().contains("\"test\"");
        assertThat(without.runDirectory().resolve("report/confusion-test.png")).doesNotExist();
        // calibration: the pictures beside the page, the figures, and the manifest's temperature
        // and threshold (the server's), which the gate's metrics were measured with
        for (String picture : List.of("reliability", "risk-coverage", "unknown-confidence")) {
            assertThat(report.resolve("calibration-" + picture + ".png")).isRegularFile();
        }
        assertThat(report.resolve("index.html"))
                .content()
                .contains("Confidence and \"not sure\" answers")
                .contains("calibration-reliability.png");
        ClassifierCalibration calibration = with.classifier().calibration();
        assertThat(calibration.test().photos()).isEqualTo(CLASSES * 3);
        assertThat(calibration.unknown().unknown()).isPositive();
        assertThat(with.testMetrics().get("ece")).isEqualTo(calibration.test().after().ece());
        ArtifactManifest manifest =
                ManifestWriter.write(
                        new RunDirectory(with.runDirectory()),
                        config(stage, folder.resolve("with-test"), null, withTest),
                        with,
                        with.classMapSha256(),
                        with.models());
        assertThat(manifest.calibration().temperature()).isEqualTo(calibration.fit().temperature());
        assertThat(manifest.calibration().threshold()).isEqualTo(calibration.threshold());
        assertThat(manifest.calibration().answerPrecision()).isEqualTo(0.99);
        assertThat(report.resolve("skipped.json"))
                .content()
                .contains("\"test\"")
                .contains("\"MISSING_LABEL\" : 1")
                .contains(unlabelled.toString());

        // pillsnap-trainer evaluate scores the same checkpoint the same way, on both sets
        Map<String, Object> again =
                CheckpointEvaluation.run(with.runDirectory(), withTest, Checkpoints.BEST, "cpu");
        assertThat(again).containsKeys("validation", "test");
        assertThat(((Map<?, ?>) again.get("validation")).get("top1"))
                .isEqualTo(with.classifier().validation().top1());
        assertThat(((Map<?, ?>) again.get("test")).get("top1")).isEqualTo(with.test().top1());
        assertThat(((Map<?, ?>) again.get("test")).get("images")).isEqualTo(CLASSES * 3);
        assertThat(report.resolve("evaluate-best/index.html")).isRegularFile();
        assertThat(again).doesNotContainKey("warning");
        // another checkpoint on the test set: said in the output and in the report it writes
        Map<String, Object> last =
                CheckpointEvaluation.run(with.runDirectory(), withTest, Checkpoints.LAST, "cpu");
        assertThat((String) last.get("warning"))
                .contains("checkpoint 'last', not the one the run chose")
                .contains("turns the test set into a second validation set");
        assertThat(report.resolve("evaluation-last.json")).content().contains("\"warning\"");
        assertThat(report.resolve("evaluate-last/index.html"))
                .content()
                .contains("Caution:")
                .contains("second validation set");
        assertThat(report.resolve("evaluate-best/index.html")).content().doesNotContain("Caution:");
    }

    @Test
    void warmStartWithAnotherClassCountKeepsAllButTheHead() {
        Path stage = TestStageFiles.write(folder, "parent", CLASSES, IMAGES, 1);
        Path parent = folder.resolve("parent-run");
        TrainingRun.run(config(stage, parent, null), StopSignal.manual(), d -> {});

        EfficientNetV2Config config = EfficientNetV2Config.S.scaled(0.25, 0.25);
        try (ClassifierModel child = new ClassifierModel(config, 4, 48, Device.cpu(), 99)) {
            float[] freshHead =
                    child.parameters().get("classifier.weight").getArray().toFloatArray();
            int loaded =
                    Checkpoints.loadWeights(
                            parent.resolve("checkpoints/best"),
                            child.parameters(),
                            true,
                            child.manager());

            assertThat(loaded).isEqualTo(child.parameters().size() - 2);
            assertThat(child.parameters().get("classifier.weight").getArray().toFloatArray())
                    .isEqualTo(freshHead);
            try (var manager = child.manager().newSubManager()) {
                NDArray saved =
                        Checkpoints.read(parent.resolve("checkpoints/best/weights.ndlist"), manager)
                                .get("conv_stem.weight");
                assertThat(child.parameters().get("conv_stem.weight").getArray().toFloatArray())
                        .isEqualTo(saved.toFloatArray());
            }
            assertThatThrownBy(
                            () ->
                                    Checkpoints.loadWeights(
                                            parent.resolve("checkpoints/best"),
                                            child.parameters(),
                                            false,
                                            child.manager()))
                    .hasMessageContaining("classifier.weight");
        }
    }

    @Test
    void resumingOnOtherDataIsRefused() {
        Path stage = TestStageFiles.write(folder, "six", CLASSES, IMAGES, 1);
        Path run = folder.resolve("six-run");
        TrainingRun.run(config(stage, run, null), StopSignal.manual(), d -> {});
        Path fewer = TestStageFiles.write(folder, "five", 5, 40, 1);

        assertThatThrownBy(
                        () ->
                                TrainingRun.run(
                                        config(
                                                fewer,
                                                folder.resolve("five-run"),
                                                run.resolve("checkpoints/last")),
                                        StopSignal.manual(),
                                        d -> {}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("was trained on other data");
    }

    @Test
    void anImageStoreKeepsTheTrainingPicturesForTheNextRunWhichTrainsTheSame() throws IOException {
        Path stage = TestStageFiles.write(folder, "stored", CLASSES, IMAGES, 1);
        Path defaults =
                defaults(
                        "defaults-with-store.yaml",
                        bundled ->
                                bundled.replaceFirst(
                                        "(?m)^  cacheScale:",
                                        "  imageStore: image-store\n  cacheScale:"));
        Path runs = folder.resolve("stored-stage").resolve("runs");
        RunOutcome first =
                TrainingRun.run(
                        config(stage, runs.resolve("first"), null, data, defaults),
                        StopSignal.manual(),
                        d -> {});
        Path store = runs.getParent().resolve("image-store");
        assertThat(store.resolve("data.mdb")).exists();
        long entries;
        try (var opened = io.pillsnap.trainer.data.ImageStore.open(store, 1L << 30)) {
            entries = opened.size();
        }
        assertThat(entries).isEqualTo(first.sample().train().size());

        RunOutcome second =
                TrainingRun.run(
                        config(stage, runs.resolve("second"), null, data, defaults),
                        StopSignal.manual(),
                        d -> {});
        assertThat(second.classifier().state().history().get(0).trainLoss())
                .isEqualTo(first.classifier().state().history().get(0).trainLoss());
        assertThat(second.classifier().state().history().get(0).top1())
                .isEqualTo(first.classifier().state().history().get(0).top1());
    }

    @Test
    void prepareBuildsTheStoreTheStageNamesAndTheRunReadsEveryPictureFromIt() throws IOException {
        Path stage = folder.resolve("prepared-stage.yaml");
        Files.writeString(
                stage,
                Files.readString(TestStageFiles.write(folder, "prepared", CLASSES, IMAGES, 1))
                        .replace("valFraction: 0.25}", "valFraction: 0.25, imageStore: shared}"));
        Path runs = folder.resolve("prepared-stage").resolve("runs");
        // where a run writing into runs/<run> finds spec.dataset.imageStore "shared"
        Path store = runs.getParent().resolve("shared");

        int exit =
                io.pillsnap.trainer.TrainerMain.commandLine()
                        .execute(
                                "prepare",
                                "--stage",
                                stage.toString(),
                                "--data",
                                data.toString(),
                                "--image-store",
                                store.toString());
        TrainConfig config = config(stage, runs.resolve("first"), null, data, null);
        ImagePreparation.Summary again = ImagePreparation.build(config, d -> {}, store);
        RunOutcome run = TrainingRun.run(config, StopSignal.manual(), d -> {});

        assertThat(exit).isZero();
        int pictures = run.sample().train().size();
        assertThat(ImagePreparation.storeFolder(config, runs.resolve("first"))).isEqualTo(store);
        // the second build found every picture stored: nothing prepared again
        assertThat(again.pictures()).isEqualTo(pictures);
        assertThat(again.alreadyStored()).isEqualTo(pictures);
        assertThat(again.stored()).isEqualTo(pictures);
        // and the run added nothing: it read every training picture from the store
        try (var opened = io.pillsnap.trainer.data.ImageStore.open(store, 1L << 30)) {
            assertThat(opened.size()).isEqualTo(pictures);
        }
        assertThat(run.classifier().state().history()).hasSize(1);
    }

    private static TrainConfig config(Path stageFile, Path output, Path resumeFrom) {
        return config(stageFile, output, resumeFrom, data);
    }

    private static TrainConfig config(
            Path stageFile, Path output, Path resumeFrom, Path dataFolder) {
        return config(stageFile, output, resumeFrom, dataFolder, null);
    }

    /** With the trainer defaults of {@code defaults}; null: the bundled ones. */
    private static TrainConfig config(
            Path stageFile, Path output, Path resumeFrom, Path dataFolder, Path defaults) {
        var stage = TrainConfig.loadStage(stageFile, TrainConfig.Overrides.none());
        return new TrainConfig(
                stage,
                "r1-test",
                dataFolder,
                output,
                resumeFrom,
                null,
                -1,
                null,
                "cpu",
                TrainerDefaults.forStage(defaults, 1));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static List<ClassifierEpoch> history(RunOutcome result) {
        return Checkpoints.readState(
                        result.runDirectory().resolve("checkpoints/last"), ClassifierState.class)
                .history();
    }

    /** The loss the optimiser minimises, over all pictures in one batch. */
    private static double trainingModeLoss(
            ClassifierModel model, ImageSource source, Preprocessing preprocessing) {
        try (BatchLoader loader =
                new BatchLoader(
                        LoaderPlan.builder()
                                .source(source)
                                .order(BatchLoader.sequential(source.size()))
                                .batchSize(source.size())
                                .preprocessing(preprocessing)
                                .workers(1)
                                .prefetch(2)
                                .build())) {
            return model.trainingModeLoss(loader.next());
        }
    }
}
