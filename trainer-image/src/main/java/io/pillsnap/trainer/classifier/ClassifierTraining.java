package io.pillsnap.trainer.classifier;

import ai.djl.Device;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.DataException;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.EpochLoop;
import io.pillsnap.trainer.engine.Interleaving;
import io.pillsnap.trainer.engine.LoopSetup;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.engine.TrainingWeights;
import io.pillsnap.trainer.engine.WarmupSchedule;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.report.EvaluatedSet;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.runtime.Devices;
import io.pillsnap.trainer.weights.PretrainedImport;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier task of a run, in the order of timm's train script: data -> model -> training loop
 * ({@link ClassifierTask} driven by the engine) -> final evaluation of the best checkpoint on the
 * validation split and the test set -> reports -> {@code classifier.onnx} with its check. Resumes
 * exactly from a checkpoint; stops cleanly on SIGTERM.
 */
public final class ClassifierTraining {

    public static final String CLASSIFIER_FILE = ClassifierExport.FILE;

    static final LoopSetup.TaskNames NAMES =
            new LoopSetup.TaskNames("classifier", "", "", Checkpoints.LAST, Checkpoints.BEST);

    private static final Logger log = LoggerFactory.getLogger(ClassifierTraining.class);

    private final RunContext run;
    private final TrainConfig config;
    private final RunDirectory dir;
    private final TrainerSettings settings;
    private ClassifierTask task;
    private StageSample sample;
    private PretrainedImport.Imported pretrained;
    private long budget;
    private long started;

    public ClassifierTraining(RunContext run) {
        this.run = run;
        this.config = run.config();
        this.dir = run.dir();
        this.settings = run.settings();
    }

    /** Trains, scores and exports the classifier of a run. */
    public ClassifierOutcome run(StageSample sample, String classMapSha256) {
        try (EpochLoop<ClassifierState, Batch, Evaluation> loop = start(sample, classMapSha256)) {
            Interleaving.alone(loop, run.stop());
            return finish(loop);
        }
    }

    /**
     * Reads the data, builds (or resumes) the model and returns its training loop, ready to be
     * driven alone or interleaved with another task's.
     */
    public EpochLoop<ClassifierState, Batch, Evaluation> start(
            StageSample sample, String classMapSha256) {
        started = System.nanoTime();
        this.sample = sample;
        PillsnapStageSpec spec = config.spec();
        budget = (long) (Runtime.getRuntime().maxMemory() * settings.cacheMemoryFraction());
        EfficientNetV2Config architecture = EfficientNetV2Config.of(spec.model().classifier());
        Preprocessing preprocessing = architecture.flavour().preprocessing(config.imageSize());
        ImageSource train = ClassifierPictures.load(run, sample, budget * 4 / 5);
        ImageSource val =
                HeldOut.validation(sample, preprocessing, settings, budget / 5, sample.skipped());
        dir.writeJson(dir.report("skipped.json"), sample.skipped().toJson());
        if (train.size() == 0 || val.size() == 0) {
            throw new DataException(
                    "no readable pictures left to train (%d) or validate (%d) on in %s; skipped: %s"
                            .formatted(train.size(), val.size(), config.data(), sample.skipped()));
        }
        Device device = Devices.choose(config.device());
        ClassifierModel model =
                new ClassifierModel(
                        architecture,
                        sample.classes().size(),
                        config.imageSize(),
                        device,
                        run.seed());
        try {
            log.info(
                    "model {} ({} classes, {} M parameters, {} px) on {}",
                    architecture.name(),
                    sample.classes().size(),
                    String.format("%.2f", model.network().parameterCount() / 1e6),
                    config.imageSize(),
                    device);
            pretrained = ClassifierWarmStart.apply(config, model);
            TrainingSpec training = spec.training();
            TrainingWeights weights =
                    new TrainingWeights(
                            model,
                            new AdamW(model.trainable(), training.weightDecay().floatValue()),
                            training.emaDecay() > 0
                                    ? new WeightAverage(
                                            model.parameters(), training.emaDecay().floatValue())
                                    : null);
            ClassifierState fresh =
                    ClassifierState.start(config.runId(), sample.classes().size(), classMapSha256);
            ClassifierState state =
                    weights.resumeOr(
                            fresh,
                            config.resumeFrom(),
                            "classifier",
                            (folder, saved) -> requireSameData(folder, saved, fresh),
                            ClassifierState::step);
            // sized with the optimizer's moments and the weight average in memory; a resumed run
            // keeps the batch its checkpoint was trained with
            int batchSize = state.batchSize() > 0 ? state.batchSize() : batchSize(model, device);
            state = state.withBatchSize(batchSize);
            int batchesPerEpoch =
                    LoopSetup.batchesPerEpoch(train.size(), batchSize, config.maxBatches());
            WarmupSchedule schedule =
                    new WarmupSchedule(
                            training.learningRate(),
                            training.learningRate() * settings.minLearningRateFraction(),
                            (long) training.warmupEpochs() * batchesPerEpoch,
                            (long) training.epochs() * batchesPerEpoch,
                            training.schedule()
                                    == io.pillsnap.api.v1alpha1.spec.LearningRateSchedule.COSINE);
            LoopSetup setup = LoopSetup.of(run, NAMES, batchesPerEpoch, batchSize, weights);
            task = new ClassifierTask(run, setup, schedule, train, val, sample.classes().size());
            return new EpochLoop<>(run, task, state);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The best checkpoint on the validation split and the test set, the reports and {@code
     * classifier.onnx} with its check, once the loop is finished.
     */
    public ClassifierOutcome finish(EpochLoop<ClassifierState, Batch, Evaluation> loop) {
        ClassifierModel model = task.model();
        ImageSource val = task.validation();
        Preprocessing preprocessing = model.preprocessing();
        ClassifierState state = loop.state();
        Path best = loop.loadBest();
        int classes = sample.classes().size();
        KeptLogits validationLogits =
                new KeptLogits(val.size(), classes, KeptLogits.DEFAULT_MAX_VALUES);
        Evaluation evaluation =
                HeldOut.evaluate(model, val, preprocessing, settings, classes, validationLogits);
        HeldOut.Tested tested = HeldOut.test(run, sample, model, budget / 5);
        EvaluatedSet test = tested == null ? null : tested.set();
        ClassifierCalibration calibration =
                ClassifierCalibration.measure(
                        validationLogits,
                        evaluation,
                        tested == null ? null : tested.known(),
                        test == null ? null : test.evaluation(),
                        tested == null ? null : tested.unknown(),
                        config.spec().serving().answerPrecision());
        calibration.describe().forEach(log::info);
        float[] oneImage = HeldOut.firstInput(val, preprocessing);
        LatencyMeter.Latency latency =
                LatencyMeter.measure(model::logits, oneImage, settings.latencySamples());
        ClassifierMetrics metrics =
                Reports.write(
                        dir,
                        sample.classes(),
                        Reports.set("validation", evaluation, val),
                        test,
                        state,
                        latency,
                        calibration,
                        run.board());
        loop.exporting();
        ClassifierExport.Exported export =
                ClassifierExport.write(dir, settings, run.seed(), model, best, val);
        log.info(
                "best epoch {} of {}: validation {}; latency p95 {} ms, {} s in all",
                state.bestEpoch(),
                state.epochsDone(),
                describe(evaluation),
                fmt(latency.p95Ms()),
                Math.round((System.nanoTime() - started) / 1e9));
        if (test != null) {
            log.info("test set (once, best checkpoint): {}", describe(test.evaluation()));
        }
        return ClassifierOutcomeBuilder.builder()
                .state(state)
                .validation(evaluation)
                .test(test == null ? null : test.evaluation())
                .latency(latency)
                .exportCheck(export.check())
                .models(export.models())
                .pretrained(pretrained)
                .trainImagesPerSecond(
                        state.history().stream()
                                .mapToDouble(ClassifierEpoch::imagesPerSecond)
                                .average()
                                .orElse(0))
                .metrics(metrics)
                .calibration(calibration)
                .build();
    }

    private static void requireSameData(Path folder, ClassifierState saved, ClassifierState fresh) {
        if (!fresh.classMapSha256().equals(saved.classMapSha256())
                || saved.numClasses() != fresh.numClasses()) {
            throw new ConfigException(
                    "checkpoint %s was trained on other data (class map %s, %d classes); this run"
                                    .formatted(folder, saved.classMapSha256(), saved.numClasses())
                            + " samples %s: resume only the same stage and dataset"
                                    .formatted(fresh.classMapSha256()));
        }
    }

    private int batchSize(ClassifierModel model, Device device) {
        var fixed = config.spec().training().fixedBatchSize();
        if (fixed.isPresent()) {
            return fixed.getAsInt();
        }
        if (!device.isGpu()) {
            return settings.cpuBatchSize();
        }
        int size = largestFitting(model, settings.maxGpuBatchSize());
        log.info(
                "batch size auto: {} fits the GPU with the optimizer state{} (batch-norm"
                        + " statistics untouched by the probe)",
                size,
                config.spec().training().emaDecay() > 0 ? " and the weight average" : "");
        return size;
    }

    /** The largest power of two up to {@code max} whose training step fits in memory. */
    static int largestFitting(ClassifierModel model, int max) {
        int size = Integer.highestOneBit(max);
        while (size > 1 && !model.fits(size)) {
            size /= 2;
        }
        return size;
    }

    /** "top-1 0.4960, top-5 1.0000, macro-F1 0.4833 (1250 photos)" */
    private static String describe(Evaluation evaluation) {
        return String.format(
                "top-1 %.4f, top-5 %.4f, macro-F1 %.4f (%d photos)",
                evaluation.top1(), evaluation.top5(), evaluation.macroF1(), evaluation.images());
    }

    static String fmt(double value) {
        return String.format("%.4f", value);
    }
}
