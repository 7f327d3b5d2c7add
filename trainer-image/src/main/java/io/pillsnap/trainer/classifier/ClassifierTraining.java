package io.pillsnap.trainer.classifier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.text.Texts;
import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.ClassifierSpec;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.Augmenter;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.DataException;
import io.pillsnap.trainer.data.DecodeProgress;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.Interleaving;
import io.pillsnap.trainer.engine.MicroBatching;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.engine.StepTimes;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.engine.TaskLoop;
import io.pillsnap.trainer.engine.WarmupSchedule;
import io.pillsnap.trainer.engine.WeightAverage;
import io.pillsnap.trainer.export.EquivalenceCheck;
import io.pillsnap.trainer.export.OnnxWriter;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.EvaluatedSet;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.runtime.Devices;
import io.pillsnap.trainer.runtime.Digests;
import io.pillsnap.trainer.runtime.TrainerVersion;
import io.pillsnap.trainer.weights.PretrainedImport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier task of a run, in the order of timm's train script: data -> model -> training loop
 * with per-epoch evaluation and checkpoints -> final evaluation of the best checkpoint on the
 * validation split and the test set -> reports -> {@code classifier.onnx} with its check. Resumes
 * exactly from a checkpoint; stops cleanly on SIGTERM.
 */
public final class ClassifierTraining {

    public static final String CLASSIFIER_FILE = "classifier.onnx";

    private static final Logger log = LoggerFactory.getLogger(ClassifierTraining.class);

    private final RunContext run;
    private final TrainConfig config;
    private final StopSignal stop;
    private final RunDirectory dir;
    private final TensorBoardWriter board;
    private final TrainerSettings settings;
    private final long seed;

    public ClassifierTraining(RunContext run) {
        this.run = run;
        this.config = run.config();
        this.stop = run.stop();
        this.dir = run.dir();
        this.board = run.board();
        this.settings = run.settings();
        this.seed = run.seed();
    }

    /** Trains, scores and exports the classifier of a run. */
    public ClassifierOutcome run(StageSample sample, String classMapSha256) {
        try (Epochs epochs = start(sample, classMapSha256)) {
            Interleaving.alone(epochs, stop);
            return finish(epochs);
        }
    }

    /**
     * Reads the data, builds (or resumes) the model and returns its training loop, ready to be
     * driven alone or interleaved with another task's.
     */
    public Epochs start(StageSample sample, String classMapSha256) {
        long started = System.nanoTime();
        PillsnapStageSpec spec = config.spec();
        int size = config.imageSize();
        EfficientNetV2Config architecture = EfficientNetV2Config.of(spec.model().classifier());
        Preprocessing preprocessing = architecture.flavour().preprocessing(size);
        long budget = (long) (Runtime.getRuntime().maxMemory() * settings.cacheMemoryFraction());
        int cacheSide = ClassifierPictures.cacheSide(config);
        List<Sample> trainSamples = ClassifierPictures.trainingSamples(config, sample);
        ImageStore store = run.images().get();
        ImageSource train =
                ImageSource.load(
                        trainSamples,
                        ImageSource.shrinkingTo(cacheSide),
                        store == null
                                ? null
                                : new ImageSource.Prepared(
                                        store, ClassifierPictures.preparation(cacheSide)),
                        (long) cacheSide * cacheSide * 4,
                        settings.effectiveWorkers(),
                        budget * 4 / 5,
                        sample.skipped(),
                        DecodeProgress.logged("training", trainSamples.size()));
        if (store != null) {
            log.info(
                    "image store {}: {} prepared pictures ({} damaged ones prepared again)",
                    store.folder(),
                    store.size(),
                    store.dropped());
        }
        ImageSource val =
                HeldOut.load(
                        "validation",
                        sample.val(),
                        preprocessing,
                        settings,
                        budget / 5,
                        sample.skipped());
        dir.writeJson(dir.report("skipped.json"), sample.skipped().toJson());
        if (train.size() == 0 || val.size() == 0) {
            throw new DataException(
                    "no readable pictures left to train ("
                            + train.size()
                            + ") or validate ("
                            + val.size()
                            + ") on in "
                            + config.data()
                            + "; skipped: "
                            + sample.skipped());
        }

        Device device = Devices.choose(config.device());
        ClassifierModel model =
                new ClassifierModel(architecture, sample.classes().size(), size, device, seed);
        try {
            log.info(
                    "model {} ({} classes, {} M parameters, {} px) on {}",
                    architecture.name(),
                    sample.classes().size(),
                    String.format("%.2f", model.network().parameterCount() / 1e6),
                    size,
                    device);
            PretrainedImport.Imported pretrained = initialise(model);
            TrainingSpec training = spec.training();
            AdamW optimizer = new AdamW(model.trainable(), training.weightDecay().floatValue());
            WeightAverage average =
                    training.emaDecay() > 0
                            ? new WeightAverage(
                                    model.parameters(), training.emaDecay().floatValue())
                            : null;
            ClassifierState state = resume(model, optimizer, average, sample, classMapSha256);
            // sized with the optimizer's moments and the weight average in memory; a resumed run
            // keeps the batch its checkpoint was trained with
            int batchSize = state.batchSize() > 0 ? state.batchSize() : batchSize(model, device);
            state = state.withBatchSize(batchSize);
            int batchesPerEpoch = batchesPerEpoch(train.size(), batchSize);
            WarmupSchedule schedule =
                    new WarmupSchedule(
                            training.learningRate(),
                            training.learningRate() * settings.minLearningRateFraction(),
                            (long) training.warmupEpochs() * batchesPerEpoch,
                            (long) training.epochs() * batchesPerEpoch,
                            training.schedule()
                                    == io.pillsnap.api.v1alpha1.spec.LearningRateSchedule.COSINE);
            return new Epochs(
                    model,
                    optimizer,
                    average,
                    schedule,
                    train,
                    val,
                    preprocessing,
                    batchSize,
                    batchesPerEpoch,
                    sample,
                    state,
                    pretrained,
                    budget,
                    started);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The best checkpoint on the validation split and the test set, the reports and {@code
     * classifier.onnx} with its check, once the loop is finished.
     */
    public ClassifierOutcome finish(Epochs epochs) {
        ClassifierModel model = epochs.model;
        ImageSource val = epochs.val;
        Preprocessing preprocessing = epochs.preprocessing;
        StageSample sample = epochs.sample;
        ClassifierState state = epochs.state;
        Path best = Checkpoints.find(dir.checkpoint(Checkpoints.BEST)).orElseThrow();
        Checkpoints.loadWeights(best, model.parameters(), false, model.manager());
        update(
                TrainingProgress.EVALUATING,
                state.epochsDone(),
                0,
                0,
                null,
                null,
                null,
                state.bestTop1());
        Evaluation evaluation =
                HeldOut.evaluate(model, val, preprocessing, settings, sample.classes().size());
        EvaluatedSet test = test(model, sample, preprocessing, epochs.budget / 5);
        float[] oneImage = HeldOut.firstInput(val, preprocessing);
        LatencyMeter.Latency latency =
                LatencyMeter.measure(model::logits, oneImage, settings.latencySamples());
        Map<String, Object> metricsJson =
                Reports.write(
                        dir,
                        sample.classes(),
                        Reports.set("validation", evaluation, val),
                        test,
                        state,
                        latency,
                        board);
        update(
                TrainingProgress.EXPORTING,
                state.epochsDone(),
                0,
                0,
                null,
                null,
                null,
                state.bestTop1());
        Export export = export(model, best, val, preprocessing);
        double wall = (System.nanoTime() - epochs.started) / 1e9;
        log.info(
                "best epoch {} of {}: validation top-1 {}, top-5 {}, macro-F1 {} ({} photos);"
                        + " latency p95 {} ms, {} s in all",
                state.bestEpoch(),
                state.epochsDone(),
                fmt(evaluation.top1()),
                fmt(evaluation.top5()),
                fmt(evaluation.macroF1()),
                evaluation.images(),
                fmt(latency.p95Ms()),
                Math.round(wall));
        if (test != null) {
            Evaluation scored = test.evaluation();
            log.info(
                    "test set (once, best checkpoint): top-1 {}, top-5 {}, macro-F1 {} ({}"
                            + " photos)",
                    fmt(scored.top1()),
                    fmt(scored.top5()),
                    fmt(scored.macroF1()),
                    scored.images());
        }
        double trainRate =
                state.history().stream()
                        .mapToDouble(ClassifierEpoch::imagesPerSecond)
                        .average()
                        .orElse(0);
        return new ClassifierOutcome(
                state,
                evaluation,
                test == null ? null : test.evaluation(),
                latency,
                export.check(),
                export.models(),
                epochs.pretrained,
                trainRate,
                metricsJson);
    }

    /**
     * The classifier's epoch loop, one batch per {@link #step()}: the data loader of the current
     * epoch, the schedule, and the epoch's running figures.
     */
    public final class Epochs implements TaskLoop {
        private final ClassifierModel model;
        private final AdamW optimizer;
        private final WeightAverage average;
        private final WarmupSchedule schedule;
        private final ImageSource train;
        private final ImageSource val;
        private final Preprocessing preprocessing;
        private final int batchSize;
        private final int batchesPerEpoch;
        private final StageSample sample;
        private final Augmenter augmenter;
        private final PretrainedImport.Imported pretrained;
        private final long budget;
        private final long started;
        private final TrainingSpec training;
        private ClassifierState state;
        private int nextBatch;
        private long step;
        private BatchLoader loader;
        private double lossSum;
        private int images;
        private int imagesThisStart;
        private long busyNanos;
        private final StepTimes times = new StepTimes();
        private final MicroBatching microBatching;
        private double rate;
        private double lastEvalSeconds;

        Epochs(
                ClassifierModel model,
                AdamW optimizer,
                WeightAverage average,
                WarmupSchedule schedule,
                ImageSource train,
                ImageSource val,
                Preprocessing preprocessing,
                int batchSize,
                int batchesPerEpoch,
                StageSample sample,
                ClassifierState state,
                PretrainedImport.Imported pretrained,
                long budget,
                long started) {
            this.model = model;
            this.optimizer = optimizer;
            this.average = average;
            this.schedule = schedule;
            this.train = train;
            this.val = val;
            this.preprocessing = preprocessing;
            this.batchSize = batchSize;
            this.microBatching = new MicroBatching(batchSize);
            this.batchesPerEpoch = batchesPerEpoch;
            this.sample = sample;
            this.augmenter = new Augmenter(settings.augmentation(), preprocessing.imageSize());
            this.pretrained = pretrained;
            this.budget = budget;
            this.started = started;
            this.training = config.spec().training();
            this.state = state;
            this.nextBatch = state.nextBatch();
            this.step = state.step();
            this.lossSum = state.epochLossSum();
            this.images = state.epochImages();
        }

        @Override
        public String task() {
            return "classifier";
        }

        public ClassifierState state() {
            return state;
        }

        @Override
        public boolean finished() {
            return state.epochsDone() >= training.epochs() || earlyStopped();
        }

        private boolean earlyStopped() {
            return training.earlyStoppingPatience() > 0
                    && state.epochsWithoutImprovement() >= training.earlyStoppingPatience();
        }

        @Override
        public boolean epochComplete() {
            return nextBatch >= batchesPerEpoch;
        }

        @Override
        public long steps() {
            return step;
        }

        @Override
        public void step() {
            int epoch = state.epochsDone();
            if (loader == null) {
                loader =
                        new BatchLoader(
                                train,
                                BatchLoader.shuffled(train.size(), seed, epoch),
                                batchSize,
                                nextBatch,
                                augmenter,
                                preprocessing,
                                seed,
                                epoch,
                                settings.effectiveWorkers(),
                                settings.prefetchBatches());
                // bytes to the device, normalised there, and augmented there when so placed
                if (settings.augmentation().onDevice(model.device().isGpu())) {
                    loader.augmentOnDevice();
                } else {
                    loader.bytes();
                }
            }
            long begin = System.nanoTime();
            Batch batch = loader.next();
            long loaded = System.nanoTime();
            times.data(loaded - begin);
            // dropout and stochastic depth draw from libtorch's generator: reseeding per batch
            // makes a resumed epoch draw what the uninterrupted one drew
            Engine.getInstance().setRandomSeed((int) BatchLoader.mix(seed, epoch, batch.index()));
            float learningRate = (float) schedule.rateAt(step);
            float loss;
            try {
                loss =
                        microBatching.step(
                                micro ->
                                        model.trainStep(
                                                batch,
                                                micro,
                                                optimizer,
                                                average,
                                                learningRate,
                                                training.labelSmoothing().floatValue(),
                                                training.gradientClipNorm().floatValue()));
            } catch (MicroBatching.OutOfDeviceMemoryException e) {
                saveLast();
                throw new IllegalStateException(
                        e.getMessage()
                                + "; saved "
                                + lastCheckpoint()
                                + " at "
                                + position()
                                + ", which a rerun resumes from",
                        e);
            }
            step++;
            nextBatch = batch.index() + 1;
            lossSum += (double) loss * batch.size();
            images += batch.size();
            imagesThisStart += batch.size();
            long end = System.nanoTime();
            times.compute(end - loaded);
            busyNanos += end - begin;
            rate = imagesThisStart / (busyNanos / 1e9);
            if (nextBatch % settings.logEveryBatches() == 0 || nextBatch == batchesPerEpoch) {
                report(epoch, nextBatch, lossSum / images, learningRate, rate, state.bestTop1());
            }
        }

        @Override
        public void endEpoch() {
            closeLoader();
            int epoch = state.epochsDone();
            double seconds = busyNanos / 1e9;
            update(
                    TrainingProgress.EVALUATING,
                    epoch,
                    batchesPerEpoch,
                    batchesPerEpoch,
                    lossSum / Math.max(1, images),
                    null,
                    rate,
                    state.bestTop1());
            long evalStart = System.nanoTime();
            Evaluation evaluation =
                    average == null
                            ? HeldOut.evaluate(
                                    model, val, preprocessing, settings, sample.classes().size())
                            : average.withAverage(
                                    () ->
                                            HeldOut.evaluate(
                                                    model,
                                                    val,
                                                    preprocessing,
                                                    settings,
                                                    sample.classes().size()));
            lastEvalSeconds = (System.nanoTime() - evalStart) / 1e9;
            ClassifierEpoch metrics =
                    new ClassifierEpoch(
                            epoch + 1,
                            lossSum / Math.max(1, images),
                            schedule.rateAt(step - 1),
                            rate,
                            seconds,
                            evaluation.loss(),
                            evaluation.top1(),
                            evaluation.top5(),
                            evaluation.macroF1());
            ClassifierState next = state.epochDone(metrics, step);
            state = next;
            nextBatch = 0;
            lossSum = 0;
            images = 0;
            imagesThisStart = 0;
            busyNanos = 0;
            saveLast();
            if (next.improvedLastEpoch()) {
                saveBest(next);
            }
            board.scalar("val/top1", evaluation.top1(), step);
            board.scalar("val/top5", evaluation.top5(), step);
            board.scalar("val/macro_f1", evaluation.macroF1(), step);
            board.scalar("val/loss", evaluation.loss(), step);
            board.scalar("train/epoch_loss", metrics.trainLoss(), step);
            dir.writeJson(
                    dir.file("metrics.json"),
                    Map.of("history", next.history(), "bestEpoch", next.bestEpoch()));
            log.info(
                    "epoch {}/{}: train loss {}, {} img/s, {} s ({}) | val loss {}, top-1 {}, top-5 {}, macro-F1 {}{}",
                    epoch + 1,
                    training.epochs(),
                    fmt(metrics.trainLoss()),
                    Math.round(rate),
                    Math.round(seconds),
                    times.describe(),
                    fmt(evaluation.loss()),
                    fmt(evaluation.top1()),
                    fmt(evaluation.top5()),
                    fmt(evaluation.macroF1()),
                    next.improvedLastEpoch() ? " (best)" : "");
            times.writeAndReset(board, "", step);
            if (earlyStopped() && next.epochsDone() < training.epochs()) {
                log.info(
                        "early stop: no better top-1 for {} epochs",
                        next.epochsWithoutImprovement());
            }
            update(
                    TrainingProgress.TRAINING,
                    epoch + 1,
                    0,
                    batchesPerEpoch,
                    metrics.trainLoss(),
                    null,
                    rate,
                    next.bestTop1());
        }

        private void report(
                int epoch,
                int batch,
                double loss,
                float learningRate,
                double rate,
                double bestTop1) {
            board.scalar("train/loss", loss, step);
            board.scalar("train/learning_rate", learningRate, step);
            board.scalar("train/images_per_second", rate, step);
            long eta = eta(epoch, batch, rate);
            log.info(
                    "epoch {}/{} batch {}/{}: loss {}, lr {}, {} img/s, eta {}",
                    epoch + 1,
                    training.epochs(),
                    batch,
                    batchesPerEpoch,
                    fmt(loss),
                    String.format("%.2e", learningRate),
                    Math.round(rate),
                    Texts.duration(eta));
            run.progress()
                    .update(
                            task(),
                            TrainingProgress.TRAINING,
                            epoch,
                            training.epochs(),
                            batch,
                            batchesPerEpoch,
                            loss,
                            (double) learningRate,
                            rate,
                            bestTop1 < 0 ? null : bestTop1,
                            eta);
        }

        private long eta(int epoch, int batch, double rate) {
            int epochs = training.epochs();
            long remainingBatches =
                    (long) (epochs - epoch - 1) * batchesPerEpoch + (batchesPerEpoch - batch);
            double seconds = rate > 0 ? remainingBatches * batchSize / rate : 0;
            return Math.round(seconds + (epochs - epoch) * lastEvalSeconds);
        }

        @Override
        public void saveLast() {
            Checkpoints.save(
                    dir.checkpoint(Checkpoints.LAST),
                    model.parameters(),
                    optimizer,
                    average,
                    state.midEpoch(nextBatch, step, lossSum, images));
        }

        @Override
        public String position() {
            return nextBatch == 0
                    ? "classifier end of epoch " + state.epochsDone()
                    : "classifier epoch " + (state.epochsDone() + 1) + ", batch " + nextBatch;
        }

        @Override
        public Path lastCheckpoint() {
            return dir.checkpoint(Checkpoints.LAST);
        }

        private void saveBest(ClassifierState state) {
            if (average == null) {
                Checkpoints.save(
                        dir.checkpoint(Checkpoints.BEST), model.parameters(), null, null, state);
            } else {
                average.withAverage(
                        () -> {
                            Checkpoints.save(
                                    dir.checkpoint(Checkpoints.BEST),
                                    model.parameters(),
                                    null,
                                    null,
                                    state);
                            return null;
                        });
            }
        }

        private void closeLoader() {
            if (loader != null) {
                loader.close();
                loader = null;
            }
        }

        @Override
        public void close() {
            closeLoader();
            model.close();
        }
    }

    /** The exported classifier and its equivalence check. */
    private record Export(ExportCheck check, List<ModelFile> models) {}

    private Export export(
            ClassifierModel model, Path best, ImageSource val, Preprocessing preprocessing) {
        TrainerSettings.Export settings = this.settings.export();
        Path file = dir.file(CLASSIFIER_FILE);
        byte[] onnx =
                OnnxWriter.write(
                        model.network(),
                        preprocessing.imageSize(),
                        settings.opset(),
                        TrainerVersion.current());
        dir.writeBytes(file, onnx);
        int images = Math.min(settings.checkImages(), val.size());
        List<Batch> batches = new ArrayList<>();
        try (BatchLoader loader =
                new BatchLoader(
                        val,
                        BatchLoader.sequential(images),
                        this.settings.evalBatchSize(),
                        0,
                        null,
                        preprocessing,
                        seed,
                        0,
                        this.settings.effectiveWorkers(),
                        this.settings.prefetchBatches())) {
            loader.forEachRemaining(batches::add);
        }
        ExportCheck check;
        if (model.device().isGpu()) {
            // GPU convolutions may run in TF32 (PyTorch's default on Ampere and newer), which is
            // far outside a 1e-4 tolerance: the reference is the same checkpoint on the CPU, in
            // full float32, which is what the inference server computes with ONNX Runtime.
            try (ClassifierModel reference =
                    new ClassifierModel(
                            model.network().config(),
                            model.network().numClasses(),
                            preprocessing.imageSize(),
                            Device.cpu(),
                            seed)) {
                Checkpoints.loadWeights(best, reference.parameters(), false, reference.manager());
                check = check(file, batches, reference, preprocessing, settings);
            }
        } else {
            check = check(file, batches, model, preprocessing, settings);
        }
        ModelFile model1 =
                new ModelFile(
                        ModelFile.CLASSIFIER,
                        CLASSIFIER_FILE,
                        Digests.sha256(file),
                        "onnx",
                        settings.opset(),
                        OnnxWriter.INPUT,
                        OnnxWriter.OUTPUT,
                        List.of(
                                -1L,
                                3L,
                                (long) preprocessing.imageSize(),
                                (long) preprocessing.imageSize()),
                        model.network().config().name());
        log.info(
                "exported {} ({} MB, sha256 {})",
                file,
                String.format("%.1f", onnx.length / 1e6),
                model1.sha256());
        return new Export(check, List.of(model1));
    }

    private static ExportCheck check(
            Path onnx,
            List<Batch> batches,
            ClassifierModel reference,
            Preprocessing preprocessing,
            TrainerSettings.Export settings) {
        return EquivalenceCheck.run(
                onnx, batches, reference::logits, preprocessing.imageSize(), settings.maxAbsDiff());
    }

    /** Warm start from another stage's run or from published weights; null when neither. */
    private PretrainedImport.Imported initialise(ClassifierModel model) {
        ClassifierSpec classifier = config.spec().model().classifier();
        if (config.initFrom() != null) {
            Path folder =
                    checkpointIn(config.initFrom(), Checkpoints.BEST)
                            .or(() -> checkpointIn(config.initFrom(), Checkpoints.LAST))
                            .orElseThrow(
                                    () ->
                                            new ConfigException(
                                                    "--init-from "
                                                            + config.initFrom()
                                                            + " holds no checkpoint (expected checkpoints/best/state.json under it)"));
            requireSameFlavour(config.initFrom(), model.network().config().flavour());
            int loaded = Checkpoints.loadWeights(folder, model.parameters(), true, model.manager());
            log.info("initialised {} tensors from {}", loaded, folder);
            return null;
        }
        if (classifier.pretrained() == null) {
            return null;
        }
        if (config.resumeFrom() != null && Checkpoints.find(config.resumeFrom()).isPresent()) {
            log.info("pretrained weights skipped: the run resumes from its own checkpoint");
            return null;
        }
        return PretrainedImport.apply(
                model.network(),
                classifier.flavour(),
                config.data().resolve(classifier.pretrained()),
                classifier.pretrainedSha256());
    }

    /** Weights computed with one flavour's numbers compute something else with another's. */
    private static void requireSameFlavour(Path initFrom, ModelFlavour flavour) {
        Path manifest = initFrom.resolve(ArtifactManifest.FILE);
        if (!Files.isRegularFile(manifest)) {
            return;
        }
        ModelFlavour previous;
        try {
            previous =
                    JsonMapper.builder()
                            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                            .build()
                            .readValue(manifest.toFile(), ArtifactManifest.class)
                            .flavour();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        String before = previous == null ? ModelFlavour.timm().name() : previous.name();
        if (!before.equals(flavour.name())) {
            throw new ConfigException(
                    "--init-from "
                            + initFrom
                            + " was trained with flavour "
                            + before
                            + ", this stage's spec.model.classifier.flavour is "
                            + flavour.name()
                            + ": set the same flavour as the stage it starts from");
        }
    }

    /** The chosen checkpoint on the test set, once; null when the dataset has none. */
    private EvaluatedSet test(
            ClassifierModel model, StageSample sample, Preprocessing preprocessing, long budget) {
        SkipReport skipped = new SkipReport();
        List<Sample> photos =
                TestSet.find(
                        config.spec().dataset(),
                        config.data(),
                        sample.classes(),
                        settings.effectiveWorkers(),
                        skipped);
        if (photos.isEmpty()) {
            writeSkipped(sample, skipped);
            return null;
        }
        ImageSource source = HeldOut.load("test", photos, preprocessing, settings, budget, skipped);
        writeSkipped(sample, skipped);
        if (skipped.total() > 0) {
            log.warn("test set: skipped {}", skipped);
        }
        if (source.size() == 0) {
            log.warn("test set: no readable photo; the gate reads validation metrics");
            return null;
        }
        return Reports.set(
                "test",
                HeldOut.evaluate(model, source, preprocessing, settings, sample.classes().size()),
                source);
    }

    /** report/skipped.json: the training data's skipped files, and the test set's under "test". */
    private void writeSkipped(StageSample sample, SkipReport test) {
        Map<String, Object> json = new LinkedHashMap<>(sample.skipped().toJson());
        json.put("test", test.toJson());
        dir.writeJson(dir.report("skipped.json"), json);
    }

    private ClassifierState resume(
            ClassifierModel model,
            AdamW optimizer,
            WeightAverage average,
            StageSample sample,
            String classMapSha256) {
        ClassifierState fresh =
                ClassifierState.start(config.runId(), sample.classes().size(), classMapSha256);
        if (config.resumeFrom() == null) {
            return fresh;
        }
        Optional<Path> folder = Checkpoints.find(config.resumeFrom());
        if (folder.isEmpty()) {
            log.warn("no checkpoint at {} yet: starting from the first epoch", config.resumeFrom());
            return fresh;
        }
        ClassifierState state = Checkpoints.readState(folder.get(), ClassifierState.class);
        if (!fresh.classMapSha256().equals(state.classMapSha256())
                || state.numClasses() != fresh.numClasses()) {
            throw new ConfigException(
                    "checkpoint "
                            + folder.get()
                            + " was trained on other data (class map "
                            + state.classMapSha256()
                            + ", "
                            + state.numClasses()
                            + " classes); this run samples "
                            + fresh.classMapSha256()
                            + ": resume only the same stage and dataset");
        }
        Checkpoints.loadWeights(folder.get(), model.parameters(), false, model.manager());
        try (NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> moments =
                    Checkpoints.read(folder.get().resolve(Checkpoints.OPTIMIZER), scope);
            optimizer.restore(moments, state.step());
            if (average != null && Files.exists(folder.get().resolve(Checkpoints.EMA))) {
                average.restore(Checkpoints.read(folder.get().resolve(Checkpoints.EMA), scope));
            }
        }
        log.info(
                "resumed from {} at epoch {}, batch {} (step {})",
                folder.get(),
                state.epochsDone() + 1,
                state.nextBatch(),
                state.step());
        return state;
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

    private int batchesPerEpoch(int trainSize, int batchSize) {
        int all = (trainSize + batchSize - 1) / batchSize;
        return config.maxBatches() == null ? all : Math.min(all, config.maxBatches());
    }

    private static Optional<Path> checkpointIn(Path base, String name) {
        return Checkpoints.find(base)
                .or(() -> Checkpoints.find(base.resolve("checkpoints").resolve(name)));
    }

    private void update(
            String phase,
            int epoch,
            int batch,
            int batches,
            Double loss,
            Double lr,
            Double rate,
            Double bestTop1) {
        run.progress()
                .update(
                        "classifier",
                        phase,
                        epoch,
                        config.spec().training().epochs(),
                        batch,
                        batches,
                        loss,
                        lr,
                        rate,
                        bestTop1 == null || bestTop1 < 0 ? null : bestTop1,
                        null);
    }

    static String fmt(double value) {
        return String.format("%.4f", value);
    }
}
