package io.pillsnap.trainer.detector;

import ai.djl.Device;
import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.api.v1alpha1.spec.Optimizer;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.detector.data.AugmentedBatches;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.detector.data.DetectionPhotos;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.EpochLoop;
import io.pillsnap.trainer.engine.Interleaving;
import io.pillsnap.trainer.engine.LoopSetup;
import io.pillsnap.trainer.engine.NesterovSgd;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.TrainingWeights;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.runtime.Devices;
import io.pillsnap.trainer.weights.DetectorPretrainedImport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector task of a run, as the reference trains YOLO11: letterboxed combination photos, the
 * recipe of {@link DetectorRecipe}, the loop of {@link DetectorTask} driven by the engine, the best
 * epoch by the reference's fitness, then the held-out test photos once, the report pictures and
 * {@code detector.onnx} with its check.
 */
public final class DetectorTraining {

    public static final String LAST = "detector-last";
    public static final String BEST = "detector-best";

    static final LoopSetup.TaskNames NAMES =
            new LoopSetup.TaskNames("detector", "detector ", "detector/", LAST, BEST);

    private static final Logger log = LoggerFactory.getLogger(DetectorTraining.class);

    private final RunContext run;
    private final DetectorSpec spec;
    private final TrainingSpec training;
    private final int size;
    private final Yolo11Config architecture;
    private DetectorTask task;
    private long started;

    public DetectorTraining(RunContext run) {
        this.run = run;
        this.spec = run.config().spec().model().detector();
        this.training = run.config().spec().training();
        this.size = spec.imageSize();
        if (size % 32 != 0) {
            throw new ConfigException(
                    "spec.model.detector.imageSize is %d: it must be a multiple of 32 (the detector's"
                                    .formatted(size)
                            + " largest stride)");
        }
        this.architecture = Yolo11Config.of(spec);
    }

    public Yolo11Config architecture() {
        return architecture;
    }

    public int imageSize() {
        return size;
    }

    /** Trains, scores and exports the detector of a run. */
    public DetectorOutcome run(StageSample sample) {
        try (EpochLoop<DetectorState, AugmentedBatches.Prepared, DetectionMetrics> loop =
                start(sample)) {
            Interleaving.alone(loop, run.stop());
            return finish(loop);
        }
    }

    /**
     * Reads the photos, builds (or resumes) the detector and returns its training loop, ready to be
     * driven alone or interleaved with the classifier's.
     */
    public EpochLoop<DetectorState, AugmentedBatches.Prepared, DetectionMetrics> start(
            StageSample sample) {
        started = System.nanoTime();
        DetectionPhotos.TrainAndVal photos =
                DetectionPhotos.trainAndVal(
                        run.config(), sample, new Letterbox(size), run.images().get());
        List<BoxedPhoto> train = photos.train();
        List<BoxedPhoto> val = photos.val();
        int batchSize = training.fixedBatchSize().orElse(DetectorRecipe.DEFAULT_BATCH);
        int batches = LoopSetup.batchesPerEpoch(train.size(), batchSize, run.config().maxBatches());
        Optimizer optimizer =
                DetectorRecipe.chooseOptimizer(spec, training.epochs(), train.size(), batchSize);
        double rate = DetectorRecipe.peakRate(spec, optimizer);
        int nominal = spec.nominalBatch();
        int accumulate = DetectorRecipe.accumulation(nominal, batchSize);
        float weightDecay =
                (float) (DetectorRecipe.WEIGHT_DECAY * batchSize * accumulate / nominal);
        // the reference's auto optimizer warms the biases up from 0, not from 0.1
        double warmupBiasRate = spec.optimizer() == null ? 0 : DetectorRecipe.WARMUP_BIAS_RATE;

        Device device = Devices.choose(run.config().device());
        DetectorModel model = new DetectorModel(architecture, size, device, run.seed());
        try {
            startFromPretrained(model);
            log.info(
                    "detector {} ({} M parameters, {} px) on {}: {} training, {} validation"
                            + " photos, batch {} (gradients of {} batch(es) per optimizer step,"
                            + " nominal batch {}), {} steps, {} lr {}{}, weight decay {}, patience"
                            + " {}",
                    architecture.name(),
                    String.format(Locale.ROOT, "%.2f", model.network().parameterCount() / 1e6),
                    size,
                    device,
                    train.size(),
                    val.size(),
                    batchSize,
                    accumulate,
                    nominal,
                    (long) batches * training.epochs(),
                    optimizer.name().toLowerCase(Locale.ROOT),
                    rate,
                    spec.optimizer() == null ? " (auto, as the reference)" : "",
                    String.format(Locale.ROOT, "%.2e", weightDecay),
                    spec.patience() == 0 ? "off" : spec.patience() + " epochs");
            TrainingWeights weights =
                    new TrainingWeights(
                            model,
                            optimizer == Optimizer.SGD
                                    ? new NesterovSgd(
                                            model.trainable(),
                                            (float) DetectorRecipe.MOMENTUM,
                                            weightDecay)
                                    : new AdamW(model.trainable(), weightDecay),
                            new WeightAverage(
                                    model.parameters(), (float) DetectorRecipe.EMA_DECAY));
            Path resumeFrom = run.config().resumeFrom();
            DetectorState state =
                    weights.resumeOr(
                            DetectorState.start(run.config().runId(), train.size()),
                            resumeFrom == null ? null : resumeFrom.resolveSibling(LAST),
                            "detector",
                            (folder, saved) -> requireSamePhotos(folder, saved, train.size()),
                            DetectorState::optimizerSteps);
            LoopSetup setup = LoopSetup.of(run, NAMES, batches, batchSize, weights);
            DetectorRecipe.Schedule schedule =
                    new DetectorRecipe.Schedule(
                            rate,
                            warmupBiasRate,
                            DetectorRecipe.warmupSteps(batches),
                            training.epochs());
            task = new DetectorTask(run, setup, train, val, schedule);
            return new EpochLoop<>(run, task, state);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The best checkpoint on the validation and test photos, the report and {@code detector.onnx}
     * with its check, once the loop is finished.
     */
    public DetectorOutcome finish(
            EpochLoop<DetectorState, AugmentedBatches.Prepared, DetectionMetrics> loop) {
        DetectorModel model = task.model();
        List<BoxedPhoto> val = task.validation();
        DetectorState state = loop.state();
        Path best = loop.loadBest();
        DetectorEvaluation.Scored validation = evaluate(model, val, run.settings().evalBatchSize());
        List<BoxedPhoto> testPhotos = DetectionPhotos.test(run.config(), new Letterbox(size));
        DetectorEvaluation.Scored test =
                testPhotos.isEmpty()
                        ? null
                        : evaluate(model, testPhotos, run.settings().evalBatchSize());
        log.info(
                "detector, best epoch {} of {}: validation {}",
                state.bestEpoch(),
                state.epochsDone(),
                DetectorReport.describe(validation.metrics()));
        if (test != null) {
            log.info(
                    "detector test set (once, best checkpoint): {}",
                    DetectorReport.describe(test.metrics()));
        }
        DetectorReport.write(run.dir(), run.board(), validation, test, val, state.step());
        loop.exporting();
        DetectorExport.Exported export = DetectorExport.write(run, model, best, val, architecture);
        double trainRate =
                state.history().stream()
                        .mapToDouble(DetectorEpoch::imagesPerSecond)
                        .average()
                        .orElse(0);
        return DetectorOutcomeBuilder.builder()
                .architecture(architecture.name())
                .imageSize(size)
                .state(state)
                .validation(validation.metrics())
                .test(test == null ? null : test.metrics())
                .exportCheck(export.check())
                .model(export.model())
                .trainPhotos(task.training().size())
                .valPhotos(val.size())
                .testPhotos(test == null ? null : test.metrics().images())
                .trainImagesPerSecond(trainRate)
                .wallSeconds((System.nanoTime() - started) / 1e9)
                .build();
    }

    /** Scores the model's current weights on letterboxed photos. */
    static DetectorEvaluation.Scored evaluate(
            DetectorModel model, List<BoxedPhoto> photos, int evalBatchSize) {
        return DetectorEvaluation.evaluate(model::head, photos, model.imageSize(), evalBatchSize);
    }

    /** Ultralytics' weights, where the stage names them and no own checkpoint takes over. */
    private void startFromPretrained(DetectorModel model) {
        if (spec.pretrained() == null) {
            return;
        }
        Path resumeFrom = run.config().resumeFrom();
        if (resumeFrom != null && Checkpoints.find(resumeFrom.resolveSibling(LAST)).isPresent()) {
            log.info(
                    "detector pretrained weights skipped: the run resumes from its own checkpoint");
            return;
        }
        DetectorPretrainedImport.apply(
                model.network(),
                run.config().data().resolve(spec.pretrained()).normalize(),
                spec.pretrainedSha256());
    }

    private static void requireSamePhotos(Path folder, DetectorState saved, int trainPhotos) {
        if (saved.trainPhotos() != trainPhotos) {
            throw new ConfigException(
                    "detector checkpoint %s was trained on %d photos, this run has %d: resume only"
                                    .formatted(folder, saved.trainPhotos(), trainPhotos)
                            + " the same stage and dataset");
        }
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
