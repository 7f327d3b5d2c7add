package io.pillsnap.trainer.classifier;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.Augmenter;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.EpochTime;
import io.pillsnap.trainer.engine.LoopSetup;
import io.pillsnap.trainer.engine.MicroBatching;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.TrainingTask;
import io.pillsnap.trainer.engine.WarmupSchedule;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.Evaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier's part of the training loop, as timm's train script has it: shuffled, augmented
 * batches from the loader, label-smoothed cross entropy with AdamW on the warm-up-then-cosine
 * schedule (micro-batched when the device runs short of memory), and top-1 on the validation split
 * every epoch.
 */
final class ClassifierTask implements TrainingTask<ClassifierState, Batch, Evaluation> {

    private static final Logger log = LoggerFactory.getLogger(ClassifierTask.class);

    private final RunContext run;
    private final LoopSetup setup;
    private final ClassifierModel model;
    private final AdamW optimizer;
    private final WarmupSchedule schedule;
    private final ImageSource train;
    private final ImageSource val;
    private final Preprocessing preprocessing;
    private final int numClasses;
    private final TrainingSpec training;
    private final TrainerSettings settings;
    private final Augmenter augmenter;
    private final MicroBatching microBatching;
    private BatchLoader loader;
    private double lossSum;
    private int images;

    ClassifierTask(
            RunContext run,
            LoopSetup setup,
            WarmupSchedule schedule,
            ImageSource train,
            ImageSource val,
            int numClasses) {
        this.run = run;
        this.setup = setup;
        this.model = (ClassifierModel) setup.model();
        this.optimizer = (AdamW) setup.weights().optimizer();
        this.schedule = schedule;
        this.train = train;
        this.val = val;
        this.preprocessing = model.preprocessing();
        this.numClasses = numClasses;
        this.training = run.config().spec().training();
        this.settings = run.settings();
        this.augmenter = new Augmenter(settings.augmentation(), preprocessing.imageSize());
        this.microBatching = new MicroBatching(setup.batchSize());
    }

    @Override
    public LoopSetup setup() {
        return setup;
    }

    @Override
    public boolean stale(ClassifierState state) {
        return training.earlyStoppingPatience() > 0
                && state.epochsWithoutImprovement() >= training.earlyStoppingPatience();
    }

    @Override
    public void begin(ClassifierState state) {
        lossSum = state.epochLossSum();
        images = state.epochImages();
    }

    @Override
    public Batch load(int epoch, int batch) {
        if (loader == null) {
            loader =
                    new BatchLoader(
                            LoaderPlan.builder()
                                    .source(train)
                                    .order(BatchLoader.shuffled(train.size(), run.seed(), epoch))
                                    .batchSize(setup.batchSize())
                                    .firstBatch(batch)
                                    .augmenter(augmenter)
                                    .preprocessing(preprocessing)
                                    .seed(run.seed())
                                    .epoch(epoch)
                                    .workers(settings.effectiveWorkers())
                                    .prefetch(settings.prefetchBatches())
                                    .build());
            // bytes to the device, normalised there, and augmented there when so placed
            if (settings.augmentation().onDevice(model.device().isGpu())) {
                loader.augmentOnDevice();
            } else {
                loader.bytes();
            }
        }
        Batch next = loader.next();
        if (next.index() != batch) {
            throw new IllegalStateException(
                    "classifier loader gave batch " + next.index() + " for batch " + batch);
        }
        return next;
    }

    @Override
    public Trained train(Batch batch, ClassifierState state, BatchAt at) {
        float learningRate = (float) schedule.rateAt(at.index());
        float loss =
                microBatching.step(
                        micro ->
                                model.trainStep(
                                        batch,
                                        micro,
                                        optimizer,
                                        setup.average(),
                                        learningRate,
                                        training.labelSmoothing().floatValue(),
                                        training.gradientClipNorm().floatValue()));
        lossSum += (double) loss * batch.size();
        images += batch.size();
        return new Trained(batch.size(), learningRate);
    }

    @Override
    public void endOfData() {
        if (loader != null) {
            loader.close();
            loader = null;
        }
    }

    @Override
    public ClassifierState midEpoch(ClassifierState state, int nextBatch, long step) {
        return state.midEpoch(nextBatch, step, lossSum, images);
    }

    @Override
    public double meanLoss() {
        return lossSum / Math.max(1, images);
    }

    @Override
    public String describeLoss() {
        return ClassifierTraining.fmt(meanLoss());
    }

    @Override
    public Double bestScore(ClassifierState state) {
        return state.bestTop1() < 0 ? null : state.bestTop1();
    }

    @Override
    public Evaluation validate() {
        return HeldOut.evaluate(model, val, preprocessing, settings, numClasses);
    }

    @Override
    public ClassifierState epochDone(ClassifierState state, Evaluation validation, EpochTime time) {
        ClassifierEpoch metrics =
                ClassifierEpochBuilder.builder()
                        .epoch(state.epochsDone() + 1)
                        .trainLoss(meanLoss())
                        .learningRate(schedule.rateAt(time.step() - 1))
                        .imagesPerSecond(time.imagesPerSecond())
                        .seconds(time.trainSeconds())
                        .valLoss(validation.loss())
                        .top1(validation.top1())
                        .top5(validation.top5())
                        .macroF1(validation.macroF1())
                        .build();
        return state.epochDone(metrics, time.step());
    }

    @Override
    public void epochEnded(ClassifierState state, Evaluation validation, EpochTime time) {
        ClassifierEpoch metrics = state.history().get(state.history().size() - 1);
        TensorBoardWriter board = run.board();
        if (board != null) {
            board.scalar("val/top1", validation.top1(), time.step());
            board.scalar("val/top5", validation.top5(), time.step());
            board.scalar("val/macro_f1", validation.macroF1(), time.step());
            board.scalar("val/loss", validation.loss(), time.step());
            board.scalar("train/epoch_loss", metrics.trainLoss(), time.step());
        }
        run.dir()
                .writeJson(
                        run.dir().file("metrics.json"),
                        new ClassifierMetrics.SoFar(state.history(), state.bestEpoch()));
        log.info(
                "epoch {}/{}: train loss {}, {} img/s, {} s ({}) | val loss {}, top-1 {}, top-5 {},"
                        + " macro-F1 {}{}",
                metrics.epoch(),
                setup.epochs(),
                ClassifierTraining.fmt(metrics.trainLoss()),
                Math.round(time.imagesPerSecond()),
                Math.round(time.trainSeconds()),
                time.stepTimes(),
                ClassifierTraining.fmt(validation.loss()),
                ClassifierTraining.fmt(validation.top1()),
                ClassifierTraining.fmt(validation.top5()),
                ClassifierTraining.fmt(validation.macroF1()),
                state.improvedLastEpoch() ? " (best)" : "");
        if (stale(state) && state.epochsDone() < setup.epochs()) {
            log.info("early stop: no better top-1 for {} epochs", state.epochsWithoutImprovement());
        }
    }

    ClassifierModel model() {
        return model;
    }

    ImageSource validation() {
        return val;
    }
}
