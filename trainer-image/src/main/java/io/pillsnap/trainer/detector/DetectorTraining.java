package io.pillsnap.trainer.detector;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.api.v1alpha1.spec.Optimizer;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.DataException;
import io.pillsnap.trainer.data.DecodeProgress;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.detector.data.DetectionAugmenter;
import io.pillsnap.trainer.detector.data.DetectionPhotos;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.NesterovSgd;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.StepTimes;
import io.pillsnap.trainer.engine.TrainingOptimizer;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.runtime.Devices;
import io.pillsnap.trainer.weights.DetectorPretrainedImport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector task of a run, as the reference trains YOLO11: letterboxed combination photos with
 * mosaic and box-moving augmentation, the task-aligned loss, SGD or AdamW with the reference's
 * warmup and linear decay, a weight average (EMA) that is evaluated, checkpointed and exported, mAP
 * on the validation photos every epoch, the best epoch by the reference's fitness, then the
 * held-out test photos once, the report pictures and {@code detector.onnx} with its check.
 */
public final class DetectorTraining {

    public static final String LAST = "detector-last";
    public static final String BEST = "detector-best";

    /** The reference's detection recipe. */
    static final int WARMUP_EPOCHS = 3;

    static final int MIN_WARMUP_STEPS = 100;
    static final double WARMUP_BIAS_RATE = 0.1;
    static final double WARMUP_MOMENTUM = 0.8;
    static final double MOMENTUM = 0.937;
    static final double FINAL_RATE_FRACTION = 0.01;
    static final float WEIGHT_DECAY = 5e-4f;
    static final double EMA_DECAY = 0.9999;
    static final double EMA_RAMP_STEPS = 2000;

    /** Steps may skip non-finite gradients; more than this share of a run's steps fails it. */
    static final double MAX_SKIPPED_SHARE = 0.01;

    /** The reference's "auto" optimizer: SGD for long runs, AdamW for short ones. */
    static final long AUTO_SGD_ABOVE_STEPS = 10_000;

    static final double AUTO_SGD_RATE = 0.01;
    static final double AUTO_ADAMW_RATE = 0.002;
    static final int DEFAULT_BATCH = 16;

    private static final Logger log = LoggerFactory.getLogger(DetectorTraining.class);

    private final RunContext run;
    private final DetectorSpec spec;
    private final TrainingSpec training;
    private final int size;
    private final Yolo11Config architecture;

    public DetectorTraining(RunContext run) {
        this.run = run;
        this.spec = run.config().spec().model().detector();
        this.training = run.config().spec().training();
        this.size = spec.imageSize();
        if (size % 32 != 0) {
            throw new ConfigException(
                    "spec.model.detector.imageSize is "
                            + size
                            + ": it must be a multiple of 32 (the detector's largest stride)");
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
        try (Loop loop = start(sample)) {
            io.pillsnap.trainer.engine.Interleaving.alone(loop, run.stop());
            return finish(loop);
        }
    }

    /**
     * Reads the photos, builds (or resumes) the detector and returns its training loop, ready to be
     * driven alone or interleaved with the classifier's.
     */
    public Loop start(StageSample sample) {
        long started = System.nanoTime();
        Letterbox letterbox = new Letterbox(size);
        int threads = run.settings().effectiveWorkers();
        SkipReport skipped = new SkipReport();
        List<LabelledImage> trainPhotos =
                trainingPhotos(spec, sample, run.config().spec().dataset().seed());
        List<BoxedPhoto> train =
                DetectionPhotos.load(
                        trainPhotos,
                        DetectionPhotos.Use.TRAINING,
                        letterbox,
                        run.images().get(),
                        threads,
                        skipped,
                        DecodeProgress.logged("detector training", trainPhotos.size()));
        List<BoxedPhoto> val =
                DetectionPhotos.load(
                        sample.combinationVal(),
                        DetectionPhotos.Use.SCORING,
                        letterbox,
                        run.images().get(),
                        threads,
                        skipped,
                        DecodeProgress.logged(
                                "detector validation", sample.combinationVal().size()));
        long negatives = val.stream().filter(photo -> photo.truth().isEmpty()).count();
        if (train.isEmpty() || val.size() == negatives) {
            throw new DataException(
                    "detection needs combination photos with boxes to train ("
                            + train.size()
                            + ") and validate ("
                            + (val.size() - negatives)
                            + ") on, found under "
                            + run.config().data()
                            + " in {train,val}/labels/combination/...; skipped: "
                            + skipped
                            + ". Add combination photos (synthetic: dataset.combinationFraction)"
                            + " or remove detection from spec.tasks");
        }
        if (skipped.total() > 0) {
            log.warn("detector photos skipped: {}", skipped);
        }
        if (negatives > 0) {
            log.info(
                    "detector validation: {} of {} photos hold no labelled pill and are kept as"
                            + " negatives (boxes found on them count as false positives)",
                    negatives,
                    val.size());
        }
        int batchSize = training.fixedBatchSize().orElse(DEFAULT_BATCH);
        int batches = (train.size() + batchSize - 1) / batchSize;
        if (run.config().maxBatches() != null) {
            batches = Math.min(batches, run.config().maxBatches());
        }
        long steps = (long) batches * training.epochs();
        Optimizer optimizer = chooseOptimizer(spec, training.epochs(), train.size(), batchSize);
        double rate =
                spec.learningRate() != null
                        ? spec.learningRate()
                        : optimizer == Optimizer.SGD ? AUTO_SGD_RATE : AUTO_ADAMW_RATE;
        int nominal = spec.nominalBatch();
        int accumulate = accumulation(nominal, batchSize);
        float weightDecay = (float) (WEIGHT_DECAY * batchSize * accumulate / nominal);
        // the reference's auto optimizer warms the biases up from 0, not from 0.1
        double warmupBiasRate = spec.optimizer() == null ? 0 : WARMUP_BIAS_RATE;

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
                    steps,
                    optimizer.name().toLowerCase(Locale.ROOT),
                    rate,
                    spec.optimizer() == null ? " (auto, as the reference)" : "",
                    String.format(Locale.ROOT, "%.2e", weightDecay),
                    spec.patience() == 0 ? "off" : spec.patience() + " epochs");
            TrainingOptimizer updates =
                    optimizer == Optimizer.SGD
                            ? new NesterovSgd(model.trainable(), (float) MOMENTUM, weightDecay)
                            : new AdamW(model.trainable(), weightDecay);
            WeightAverage average = new WeightAverage(model.parameters(), (float) EMA_DECAY);
            DetectorState state = resume(model, updates, average, train.size());
            return new Loop(
                    model,
                    updates,
                    average,
                    train,
                    val,
                    batchSize,
                    batches,
                    rate,
                    warmupBiasRate,
                    state,
                    started);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The best checkpoint on the validation and test photos, the report and {@code detector.onnx}
     * with its check, once the loop is finished.
     */
    public DetectorOutcome finish(Loop loop) {
        DetectorModel model = loop.model;
        List<BoxedPhoto> val = loop.val;
        DetectorState state = loop.state;
        int threads = run.settings().effectiveWorkers();
        Path best = Checkpoints.find(run.dir().checkpoint(BEST)).orElseThrow();
        Checkpoints.loadWeights(best, model.parameters(), false, model.manager());
        progress(TrainingProgress.EVALUATING, state.epochsDone(), 0, 0, null, null, null);
        DetectorEvaluation.Scored validation = evaluate(model, val);
        List<LabelledImage> testPhotos =
                TestSet.findCombinations(
                        run.config().spec().dataset(), run.config().data(), threads);
        DetectorEvaluation.Scored test = null;
        if (!testPhotos.isEmpty()) {
            SkipReport testSkipped = new SkipReport();
            List<BoxedPhoto> boxed =
                    DetectionPhotos.load(
                            testPhotos,
                            DetectionPhotos.Use.SCORING,
                            new Letterbox(size),
                            threads,
                            testSkipped,
                            DecodeProgress.logged("detector test", testPhotos.size()));
            if (!boxed.isEmpty()) {
                test = evaluate(model, boxed);
            }
        }
        log.info(
                "detector, best epoch {} of {}: validation {}",
                state.bestEpoch(),
                state.epochsDone(),
                describe(validation.metrics()));
        if (test != null) {
            log.info("detector test set (once, best checkpoint): {}", describe(test.metrics()));
        }
        DetectorReport.write(run.dir(), run.board(), validation, test, val, state.step());
        progress(TrainingProgress.EXPORTING, state.epochsDone(), 0, 0, null, null, null);
        DetectorExport.Exported export = DetectorExport.write(run, model, best, val, architecture);
        double trainRate =
                state.history().stream()
                        .mapToDouble(DetectorEpoch::imagesPerSecond)
                        .average()
                        .orElse(0);
        return new DetectorOutcome(
                architecture.name(),
                size,
                state,
                validation.metrics(),
                test == null ? null : test.metrics(),
                export.check(),
                export.model(),
                loop.train.size(),
                val.size(),
                test == null ? null : test.metrics().images(),
                trainRate,
                (System.nanoTime() - loop.started) / 1e9);
    }

    /**
     * The share {@code singlePhotoFraction} of the stage's single-pill training photos, with their
     * one box, drawn with the dataset's seed; none by default.
     */
    /**
     * The detector's training photos: the combination photos and, by {@code singlePhotoFraction},
     * single-pill photos with their box (the same draw in every run).
     */
    public static List<LabelledImage> trainingPhotos(
            DetectorSpec spec, StageSample sample, long seed) {
        List<LabelledImage> photos = new ArrayList<>(sample.combinationTrain());
        photos.addAll(singlePhotos(spec, sample, seed));
        return photos;
    }

    private static List<LabelledImage> singlePhotos(
            DetectorSpec spec, StageSample sample, long seed) {
        int count = (int) Math.round(spec.singlePhotoFraction() * sample.train().size());
        if (count == 0) {
            return List.of();
        }
        List<io.pillsnap.trainer.data.Sample> shuffled = new ArrayList<>(sample.train());
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        List<LabelledImage> photos = new ArrayList<>();
        for (io.pillsnap.trainer.data.Sample single : shuffled.subList(0, count)) {
            List<LabelledImage.Box> boxes = sample.singleBoxes().get(single.image());
            if (boxes != null) {
                photos.add(new LabelledImage(single.image(), null, null, null, false, boxes));
            }
        }
        photos.sort(java.util.Comparator.comparing(LabelledImage::image));
        log.info(
                "detector: {} single-pill photos with their box added to {} combination photos",
                photos.size(),
                sample.combinationTrain().size());
        return photos;
    }

    /** Scores the model's current weights on letterboxed photos. */
    DetectorEvaluation.Scored evaluate(DetectorModel model, List<BoxedPhoto> photos) {
        return DetectorEvaluation.evaluate(
                model::head, photos, size, run.settings().evalBatchSize());
    }

    /**
     * The stage's optimizer, or the reference's auto choice: SGD when the run makes more than
     * 10,000 optimizer steps of the nominal batch (ceil(photos / max(batch, 64)) per epoch), else
     * AdamW.
     */
    static Optimizer chooseOptimizer(
            DetectorSpec spec, int epochs, int trainPhotos, int batchSize) {
        if (spec.optimizer() != null) {
            return spec.optimizer();
        }
        long perEpoch =
                (trainPhotos + Math.max(batchSize, spec.nominalBatch()) - 1L)
                        / Math.max(batchSize, spec.nominalBatch());
        return perEpoch * epochs > AUTO_SGD_ABOVE_STEPS ? Optimizer.SGD : Optimizer.ADAMW;
    }

    /**
     * Learning rates of weights and biases and the SGD momentum at batch {@code step} of epoch
     * {@code epoch}: the reference's linear warm-up over {@code warmupSteps} (weights from 0,
     * biases from {@code warmupBiasRate}, momentum from 0.8), then a linear decay per epoch to 1%
     * of {@code rate}.
     */
    static float[] rates(
            double rate,
            int epoch,
            int epochs,
            long step,
            long warmupSteps,
            double warmupBiasRate) {
        double decayed =
                rate
                        * ((1 - epoch / (double) epochs) * (1 - FINAL_RATE_FRACTION)
                                + FINAL_RATE_FRACTION);
        if (step >= warmupSteps) {
            return new float[] {(float) decayed, (float) decayed, (float) MOMENTUM};
        }
        double t = (double) step / warmupSteps;
        return new float[] {
            (float) (decayed * t),
            (float) (warmupBiasRate + (decayed - warmupBiasRate) * t),
            (float) (WARMUP_MOMENTUM + (MOMENTUM - WARMUP_MOMENTUM) * t)
        };
    }

    /**
     * Whether the detector stops early at {@code state}: no better fitness for its own patience
     * (spec.model.detector.patience), and never inside the mosaic-free last epochs, which run to
     * the end once begun.
     */
    static boolean stale(DetectorSpec spec, int epochs, DetectorState state) {
        boolean closingMosaic =
                spec.mosaic() > 0
                        && spec.closeMosaicEpochs() > 0
                        && state.epochsDone() >= epochs - spec.closeMosaicEpochs();
        return spec.patience() > 0
                && state.epochsWithoutImprovement() >= spec.patience()
                && !closingMosaic;
    }

    /** More than 1% of {@code steps} skipped for non-finite gradients. */
    static boolean tooManySkipped(long skipped, long steps) {
        return skipped > MAX_SKIPPED_SHARE * steps;
    }

    /** Batches per optimizer step after warm-up: round(nominal / batch), at least 1. */
    static int accumulation(int nominal, int batchSize) {
        return Math.max((int) Math.rint((double) nominal / batchSize), 1);
    }

    /**
     * Batches per optimizer step at batch {@code step}: during warm-up the reference ramps it
     * linearly from 1 to nominal / batch (rounded half to even, as numpy), then {@link
     * #accumulation}.
     */
    static int accumulationAt(long step, long warmupSteps, int nominal, int batchSize) {
        if (step >= warmupSteps) {
            return accumulation(nominal, batchSize);
        }
        double ramp = 1 + ((double) nominal / batchSize - 1) * step / warmupSteps;
        return Math.max(1, (int) Math.rint(ramp));
    }

    /**
     * The detector's epoch loop, one batch per {@link #step()}: the next batch augmented on the
     * pool while the current one trains, the schedule, and the epoch's running figures.
     */
    public final class Loop implements io.pillsnap.trainer.engine.TaskLoop {
        private final DetectorModel model;
        private final TrainingOptimizer optimizer;
        private final WeightAverage average;
        private final List<BoxedPhoto> train;
        private final List<BoxedPhoto> val;
        private final int batchSize;
        private final int batches;
        private final double rate;
        private final double warmupBiasRate;
        private final long warmupSteps;
        private final long started;
        private final DetectionAugmenter augmenter = new DetectionAugmenter(size);
        private final ExecutorService pool;
        private DetectorState state;
        private int nextBatch;
        private long step;
        private double[] sums;
        private int counted;
        private int images;
        private int skippedSteps;
        private int imagesThisStart;
        private long busyNanos;
        private final StepTimes times = new StepTimes();
        private float learningRate;
        private int[] order;
        private CompletableFuture<Prepared> next;
        private long optimizerSteps;

        /** The batch index of the last optimizer step, -1 before the first. */
        private long lastOptimizerStep;

        Loop(
                DetectorModel model,
                TrainingOptimizer optimizer,
                WeightAverage average,
                List<BoxedPhoto> train,
                List<BoxedPhoto> val,
                int batchSize,
                int batches,
                double rate,
                double warmupBiasRate,
                DetectorState state,
                long started) {
            this.model = model;
            this.optimizer = optimizer;
            this.average = average;
            this.train = train;
            this.val = val;
            this.batchSize = batchSize;
            this.batches = batches;
            this.rate = rate;
            this.warmupBiasRate = warmupBiasRate;
            this.started = started;
            this.warmupSteps = Math.max((long) WARMUP_EPOCHS * batches, MIN_WARMUP_STEPS);
            this.pool =
                    Executors.newFixedThreadPool(
                            run.settings().effectiveWorkers(),
                            r -> {
                                Thread thread = new Thread(r, "detector-augment");
                                thread.setDaemon(true);
                                return thread;
                            });
            begin(state);
        }

        /** Takes up the epoch a state stands in: its batch, step and partial sums. */
        private void begin(DetectorState from) {
            state = from;
            nextBatch = from.nextBatch();
            step = from.step();
            sums = from.epochLoss().clone();
            counted = from.epochSteps();
            images = from.epochImages();
            skippedSteps = from.epochSkipped();
            optimizerSteps = from.optimizerSteps();
            lastOptimizerStep = step - 1 - from.pendingBatches();
            imagesThisStart = 0;
            busyNanos = 0;
            order = null;
            next = null;
        }

        @Override
        public String task() {
            return "detector";
        }

        public DetectorState state() {
            return state;
        }

        @Override
        public boolean finished() {
            return state.epochsDone() >= training.epochs() || stale();
        }

        /**
         * No better fitness for the detector's patience, outside the mosaic-free last epochs, which
         * always run to the end once begun.
         */
        private boolean stale() {
            return DetectorTraining.stale(spec, training.epochs(), state);
        }

        @Override
        public boolean epochComplete() {
            return nextBatch >= batches;
        }

        @Override
        public long steps() {
            return step;
        }

        private boolean mosaicOn(int epoch) {
            return epoch < training.epochs() - spec.closeMosaicEpochs();
        }

        @Override
        public void step() {
            int epoch = state.epochsDone();
            if (order == null) {
                order = BatchLoader.shuffled(train.size(), run.seed(), epoch);
                if (nextBatch == 0
                        && epoch == training.epochs() - spec.closeMosaicEpochs()
                        && spec.mosaic() > 0) {
                    log.info(
                            "detector: mosaic off for the last {} epochs",
                            spec.closeMosaicEpochs());
                }
                next = prepare(order, nextBatch, epoch, mosaicOn(epoch), pool);
            }
            long begin = System.nanoTime();
            int batch = nextBatch;
            Prepared prepared = next.join();
            long loaded = System.nanoTime();
            times.data(loaded - begin);
            next =
                    batch + 1 < batches
                            ? prepare(order, batch + 1, epoch, mosaicOn(epoch), pool)
                            : null;
            float[] rates = rates(step, epoch);
            learningRate = rates[0];
            Engine.getInstance().setRandomSeed((int) BatchLoader.mix(run.seed(), epoch, batch));
            DetectorModel.StepLoss loss =
                    model.accumulate(prepared.pixels(), prepared.count(), prepared.truths());
            long index = step;
            step++;
            nextBatch = batch + 1;
            if (!loss.skipped()) {
                sums[0] += loss.box();
                sums[1] += loss.classes();
                sums[2] += loss.dfl();
                counted++;
            }
            images += prepared.count();
            // the reference steps when enough batches are accumulated; an epoch ends with a step
            if (index - lastOptimizerStep
                            >= accumulationAt(index, warmupSteps, spec.nominalBatch(), batchSize)
                    || nextBatch == batches) {
                if (optimizer instanceof NesterovSgd sgd) {
                    sgd.momentum(rates[2]);
                }
                boolean applied =
                        model.optimizerStep(
                                optimizer,
                                rates[0],
                                rates[1],
                                average,
                                averageDecay(optimizerSteps + 1));
                if (applied) {
                    optimizerSteps++;
                } else {
                    skippedSteps += (int) (index - lastOptimizerStep);
                }
                lastOptimizerStep = index;
                if (!applied && step >= 100) {
                    requireFewSkipped(trainedSoFar());
                }
            }
            imagesThisStart += prepared.count();
            long end = System.nanoTime();
            times.compute(end - loaded);
            busyNanos += end - begin;
            double imagesPerSecond = imagesThisStart / (busyNanos / 1e9);
            if (nextBatch % run.settings().logEveryBatches() == 0 || nextBatch == batches) {
                report(
                        epoch,
                        nextBatch,
                        sums,
                        Math.max(1, counted),
                        learningRate,
                        imagesPerSecond,
                        step);
            }
        }

        @Override
        public void endEpoch() {
            int epoch = state.epochsDone();
            order = null;
            next = null;
            long evalStart = System.nanoTime();
            double trainSeconds = busyNanos / 1e9;
            progress(TrainingProgress.EVALUATING, epoch, batches, batches, null, null, null);
            DetectionMetrics metrics = average.withAverage(() -> evaluate(model, val).metrics());
            int steps = Math.max(1, counted);
            DetectorEpoch result =
                    new DetectorEpoch(
                            epoch + 1,
                            sums[0] / steps,
                            sums[1] / steps,
                            sums[2] / steps,
                            metrics.mAP50(),
                            metrics.mAP50to95(),
                            metrics.precision(),
                            metrics.recall(),
                            learningRate,
                            trainSeconds > 0 ? imagesThisStart / trainSeconds : 0,
                            trainSeconds + (System.nanoTime() - evalStart) / 1e9,
                            skippedSteps);
            DetectorState done = state.epochDone(result, step, optimizerSteps);
            int skippedThisEpoch = skippedSteps;
            begin(done);
            log.info(
                    "detector epoch {}/{}: loss box {} cls {} dfl {}; validation mAP50 {},"
                            + " mAP50-95 {}, P {}, R {}{} ({} s: {}){}",
                    epoch + 1,
                    training.epochs(),
                    fmt(result.boxLoss()),
                    fmt(result.classLoss()),
                    fmt(result.dflLoss()),
                    fmt(result.mAP50()),
                    fmt(result.mAP50to95()),
                    fmt(result.precision()),
                    fmt(result.recall()),
                    done.improvedLastEpoch() ? " (best)" : "",
                    Math.round(result.seconds()),
                    times.describe(),
                    skippedThisEpoch > 0
                            ? "; " + skippedThisEpoch + " non-finite steps skipped"
                            : "");
            var board = run.board();
            if (board != null) {
                board.scalar("detector/train/box_loss", result.boxLoss(), step);
                board.scalar("detector/train/cls_loss", result.classLoss(), step);
                board.scalar("detector/train/dfl_loss", result.dflLoss(), step);
                board.scalar("detector/val/mAP50", result.mAP50(), step);
                board.scalar("detector/val/mAP50-95", result.mAP50to95(), step);
                board.scalar("detector/val/precision", result.precision(), step);
                board.scalar("detector/val/recall", result.recall(), step);
                board.scalar("detector/lr", learningRate, step);
            }
            times.writeAndReset(run.board(), "detector/", step);
            saveLast();
            requireFewSkipped(done);
            if (done.improvedLastEpoch()) {
                average.withAverage(
                        () -> {
                            Checkpoints.save(
                                    run.dir().checkpoint(BEST),
                                    model.parameters(),
                                    null,
                                    null,
                                    done);
                            return null;
                        });
            }
            if (finished() && done.epochsDone() < training.epochs()) {
                log.info(
                        "detector early stop: no better fitness for {} epochs (patience {})",
                        done.epochsWithoutImprovement(),
                        spec.patience());
            } else if (spec.patience() > 0
                    && done.epochsWithoutImprovement() >= spec.patience()
                    && done.epochsDone() < training.epochs()) {
                log.info(
                        "detector: no better fitness for {} epochs, but the mosaic-free last"
                                + " epochs run to the end",
                        done.epochsWithoutImprovement());
            }
        }

        /** The state after the batches trained so far. */
        private DetectorState trainedSoFar() {
            return nextBatch == 0
                    ? state
                    : state.midEpoch(
                            nextBatch,
                            step,
                            sums,
                            counted,
                            images,
                            skippedSteps,
                            optimizerSteps,
                            pendingBatches());
        }

        /** Batches trained since the last optimizer step, their gradients still accumulating. */
        private int pendingBatches() {
            return (int) (step - 1 - lastOptimizerStep);
        }

        /**
         * Fails the run, its last checkpoint kept, when more than 1% of its batches so far had
         * non-finite gradients: a few are noise, more mean training has gone wrong.
         */
        private void requireFewSkipped(DetectorState at) {
            long skipped = at.skippedSteps();
            if (tooManySkipped(skipped, at.step())) {
                saveLast();
                throw new IllegalStateException(
                        String.format(
                                Locale.ROOT,
                                "detector: %d of %d training steps (%.1f%%) had non-finite"
                                        + " gradients and were skipped, more than the %.0f%% a"
                                        + " healthy run skips; the checkpoint is kept in %s."
                                        + " Lower spec.model.detector.learningRate, look for"
                                        + " degenerate boxes in the labels, and on AVX-512 CPUs"
                                        + " keep ONEDNN_MAX_CPU_ISA=AVX (see NativeDefaults)",
                                skipped,
                                at.step(),
                                100.0 * skipped / at.step(),
                                100 * MAX_SKIPPED_SHARE,
                                run.dir().checkpoint(LAST)));
            }
        }

        /**
         * Saves the last checkpoint; between two optimizer steps, with the gradients accumulated
         * since the last one, so that a resumed run goes on exactly as an uninterrupted one.
         */
        @Override
        public void saveLast() {
            Map<String, NDArray> gradients = new java.util.LinkedHashMap<>();
            if (pendingBatches() > 0) {
                model.trainable()
                        .forEach((name, p) -> gradients.put(name, p.getArray().getGradient()));
            }
            try {
                Checkpoints.save(
                        run.dir().checkpoint(LAST),
                        model.parameters(),
                        optimizer,
                        average,
                        trainedSoFar(),
                        gradients.isEmpty() ? null : gradients);
            } finally {
                gradients.values().forEach(NDArray::close);
            }
        }

        @Override
        public String position() {
            return nextBatch == 0
                    ? "detector end of epoch " + state.epochsDone()
                    : "detector epoch " + (state.epochsDone() + 1) + ", batch " + nextBatch;
        }

        @Override
        public Path lastCheckpoint() {
            return run.dir().checkpoint(LAST);
        }

        @Override
        public void close() {
            pool.shutdownNow();
            model.close();
        }

        /** A batch augmented on the pool while the previous one trains. */
        private CompletableFuture<Prepared> prepare(
                int[] order, int batch, int epoch, boolean mosaicOn, ExecutorService pool) {
            int first = batch * batchSize;
            int count = Math.min(batchSize, order.length - first);
            List<CompletableFuture<DetectionAugmenter.Augmented>> items = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int position = first + i;
                items.add(
                        CompletableFuture.supplyAsync(
                                () -> {
                                    SplittableRandom random =
                                            new SplittableRandom(
                                                    BatchLoader.mix(run.seed(), epoch, position));
                                    boolean mosaic =
                                            mosaicOn && random.nextDouble() < spec.mosaic();
                                    return augmenter.augment(
                                            train, order[position], mosaic, random);
                                },
                                pool));
            }
            return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
                    .thenApply(
                            ignored -> {
                                int plane = 3 * size * size;
                                float[] pixels = new float[count * plane];
                                List<ImageTruth> truths = new ArrayList<>();
                                for (int i = 0; i < count; i++) {
                                    DetectionAugmenter.Augmented one = items.get(i).join();
                                    System.arraycopy(one.pixels(), 0, pixels, i * plane, plane);
                                    truths.add(truth(one.boxes()));
                                }
                                return new Prepared(pixels, count, truths);
                            });
        }

        /**
         * Learning rates of weights and biases, and the SGD momentum, at a step: the reference's
         * linear warmup (weights from 0 up, biases from 0.1 down, or from 0 with the auto
         * optimizer, momentum from 0.8 up) over max(3 epochs, 100 steps), then a linear decay per
         * epoch to 1% of the peak. Applied at the optimizer step of the batch.
         */
        private float[] rates(long step, int epoch) {
            return DetectorTraining.rates(
                    rate, epoch, training.epochs(), step, warmupSteps, warmupBiasRate);
        }

        private void report(
                int epoch,
                int batch,
                double[] sums,
                int steps,
                float learningRate,
                double imagesPerSecond,
                long step) {
            long remaining = (long) (training.epochs() - epoch - 1) * batches + (batches - batch);
            long eta =
                    Math.round(imagesPerSecond > 0 ? remaining * batchSize / imagesPerSecond : 0);
            double total = (sums[0] + sums[1] + sums[2]) / steps;
            log.info(
                    "detector epoch {}/{} batch {}/{}: loss box {} cls {} dfl {}, lr {}, {}"
                            + " img/s, eta {}",
                    epoch + 1,
                    training.epochs(),
                    batch,
                    batches,
                    fmt(sums[0] / steps),
                    fmt(sums[1] / steps),
                    fmt(sums[2] / steps),
                    String.format(Locale.ROOT, "%.2e", learningRate),
                    Math.round(imagesPerSecond),
                    io.pillsnap.api.text.Texts.duration(eta));
            run.progress()
                    .update(
                            task(),
                            TrainingProgress.TRAINING,
                            epoch,
                            training.epochs(),
                            batch,
                            batches,
                            total,
                            (double) learningRate,
                            imagesPerSecond,
                            null,
                            eta);
            if (run.board() != null) {
                run.board().scalar("detector/train/loss", total, step);
            }
        }
    }

    /** A batch ready for a step. */
    private record Prepared(float[] pixels, int count, List<ImageTruth> truths) {}

    /** The reference's EMA decay, ramped up over the first steps. */
    static float averageDecay(long updates) {
        return (float) (EMA_DECAY * (1 - Math.exp(-updates / EMA_RAMP_STEPS)));
    }

    static ImageTruth truth(List<Box> boxes) {
        return new ImageTruth(
                new int[boxes.size()],
                boxes.stream()
                        .map(b -> new double[] {b.x1(), b.y1(), b.x2(), b.y2()})
                        .toArray(double[][]::new));
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

    private DetectorState resume(
            DetectorModel model,
            TrainingOptimizer optimizer,
            WeightAverage average,
            int trainPhotos) {
        DetectorState fresh = DetectorState.start(run.config().runId(), trainPhotos);
        if (run.config().resumeFrom() == null) {
            return fresh;
        }
        Path folder = run.config().resumeFrom().resolveSibling(LAST);
        Optional<Path> found = Checkpoints.find(folder);
        if (found.isEmpty()) {
            log.warn("no detector checkpoint at {} yet: starting from the first epoch", folder);
            return fresh;
        }
        DetectorState state = Checkpoints.readState(found.get(), DetectorState.class);
        if (state.trainPhotos() != trainPhotos) {
            throw new ConfigException(
                    "detector checkpoint "
                            + found.get()
                            + " was trained on "
                            + state.trainPhotos()
                            + " photos, this run has "
                            + trainPhotos
                            + ": resume only the same stage and dataset");
        }
        Checkpoints.loadWeights(found.get(), model.parameters(), false, model.manager());
        try (NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> saved =
                    Checkpoints.read(found.get().resolve(Checkpoints.OPTIMIZER), scope);
            optimizer.restore(saved, state.optimizerSteps());
            Path ema = found.get().resolve(Checkpoints.EMA);
            if (Files.exists(ema)) {
                average.restore(Checkpoints.read(ema, scope));
            }
        }
        Path gradients = found.get().resolve(Checkpoints.GRADIENTS);
        if (state.pendingBatches() > 0) {
            if (!Files.exists(gradients)) {
                throw new ConfigException(
                        "detector checkpoint "
                                + found.get()
                                + " was saved between two optimizer steps but has no "
                                + Checkpoints.GRADIENTS
                                + ": it is incomplete; resume from an earlier copy or start over");
            }
            model.restorePendingGradients(Checkpoints.read(gradients, model.manager()));
        }
        log.info(
                "detector resumed from {} at epoch {}, batch {} (step {})",
                found.get(),
                state.epochsDone() + 1,
                state.nextBatch(),
                state.step());
        return state;
    }

    private void progress(
            String phase, int epoch, int batch, int batches, Double loss, Double lr, Double rate) {
        run.progress()
                .update(
                        "detector",
                        phase,
                        epoch,
                        training.epochs(),
                        batch,
                        batches,
                        loss,
                        lr,
                        rate,
                        null,
                        null);
    }

    static String describe(DetectionMetrics metrics) {
        return String.format(
                Locale.ROOT,
                "mAP50 %.4f, mAP50-95 %.4f, precision %.4f, recall %.4f (%d photos, %d pills)",
                metrics.mAP50(),
                metrics.mAP50to95(),
                metrics.precision(),
                metrics.recall(),
                metrics.images(),
                metrics.truths());
    }

    static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
