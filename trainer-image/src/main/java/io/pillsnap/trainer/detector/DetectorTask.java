package io.pillsnap.trainer.detector;

import ai.djl.ndarray.NDArray;
import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.trainer.detector.data.AugmentedBatches;
import io.pillsnap.trainer.detector.data.AugmentedBatches.Prepared;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.engine.EpochTime;
import io.pillsnap.trainer.engine.KeptCheckpointException;
import io.pillsnap.trainer.engine.LoopSetup;
import io.pillsnap.trainer.engine.NesterovSgd;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.TrainingTask;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.DetectionMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's part of the training loop, as the reference trains YOLO11: letterboxed photos with
 * mosaic and box-moving augmentation ({@link AugmentedBatches}), the task-aligned loss, gradients
 * accumulated up to the nominal batch, the recipe's rates and momentum per optimizer step,
 * non-finite steps skipped and counted, and mAP of the weight average on the validation photos
 * every epoch.
 */
final class DetectorTask implements TrainingTask<DetectorState, Prepared, DetectionMetrics> {

    private static final Logger log = LoggerFactory.getLogger(DetectorTask.class);

    private final RunContext run;
    private final LoopSetup setup;
    private final DetectorSpec spec;
    private final DetectorModel model;
    private final List<BoxedPhoto> train;
    private final List<BoxedPhoto> val;
    private final DetectorRecipe.Schedule schedule;
    private double[] sums;
    private int counted;
    private int images;
    private int skippedSteps;
    private long optimizerSteps;
    private long trainedSteps;
    private float learningRate;
    private AugmentedBatches batches;

    /** The batch index of the last optimizer step, -1 before the first. */
    private long lastOptimizerStep;

    DetectorTask(
            RunContext run,
            LoopSetup setup,
            List<BoxedPhoto> train,
            List<BoxedPhoto> val,
            DetectorRecipe.Schedule schedule) {
        this.run = run;
        this.setup = setup;
        this.spec = run.config().spec().model().detector();
        this.model = (DetectorModel) setup.model();
        this.train = train;
        this.val = val;
        this.schedule = schedule;
    }

    @Override
    public LoopSetup setup() {
        return setup;
    }

    @Override
    public boolean stale(DetectorState state) {
        return DetectorRecipe.stale(spec, setup.epochs(), state);
    }

    @Override
    public void begin(DetectorState from) {
        sums = from.epochLoss().clone();
        counted = from.epochSteps();
        images = from.epochImages();
        skippedSteps = from.epochSkipped();
        optimizerSteps = from.optimizerSteps();
        trainedSteps = from.step();
        lastOptimizerStep = from.step() - 1 - from.pendingBatches();
        batches = null;
    }

    @Override
    public Prepared load(int epoch, int batch) {
        if (batches == null) {
            int mosaicFree = setup.epochs() - spec.closeMosaicEpochs();
            if (batch == 0 && epoch == mosaicFree && spec.mosaic() > 0) {
                log.info("detector: mosaic off for the last {} epochs", spec.closeMosaicEpochs());
            }
            batches =
                    new AugmentedBatches(
                            train,
                            model.imageSize(),
                            run.seed(),
                            epoch,
                            setup.batchSize(),
                            setup.batchesPerEpoch(),
                            epoch < mosaicFree,
                            spec.mosaic(),
                            run.settings().effectiveWorkers());
        }
        return batches.get(batch);
    }

    @Override
    public Trained train(Prepared prepared, DetectorState state, BatchAt at) {
        long index = at.index();
        float[] rates = schedule.at(index, at.epoch());
        learningRate = rates[0];
        DetectorModel.StepLoss loss =
                model.accumulate(prepared.pixels(), prepared.count(), prepared.truths());
        trainedSteps = index + 1;
        if (!loss.skipped()) {
            sums[0] += loss.box();
            sums[1] += loss.classes();
            sums[2] += loss.dfl();
            counted++;
        }
        images += prepared.count();
        // the reference steps when enough batches are accumulated; an epoch ends with a step
        boolean lastOfEpoch = at.batch() + 1 == setup.batchesPerEpoch();
        if (index - lastOptimizerStep
                        >= DetectorRecipe.accumulationAt(
                                index,
                                schedule.warmupSteps(),
                                spec.nominalBatch(),
                                setup.batchSize())
                || lastOfEpoch) {
            if (setup.weights().optimizer() instanceof NesterovSgd sgd) {
                sgd.momentum(rates[2]);
            }
            boolean applied =
                    model.optimizerStep(
                            setup.weights().optimizer(),
                            rates[0],
                            rates[1],
                            setup.average(),
                            DetectorRecipe.averageDecay(optimizerSteps + 1));
            if (applied) {
                optimizerSteps++;
            } else {
                skippedSteps += (int) (index - lastOptimizerStep);
            }
            lastOptimizerStep = index;
            if (!applied && index + 1 >= 100) {
                requireFewSkipped(midEpoch(state, at.batch() + 1, index + 1));
            }
        }
        return new Trained(prepared.count(), learningRate);
    }

    /**
     * Fails the run, its last checkpoint kept, when more than 1% of its batches so far had
     * non-finite gradients: a few are noise, more mean training has gone wrong.
     */
    private void requireFewSkipped(DetectorState at) {
        long skipped = at.skippedSteps();
        if (DetectorRecipe.tooManySkipped(skipped, at.step())) {
            throw new KeptCheckpointException(
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
                            100 * DetectorRecipe.MAX_SKIPPED_SHARE,
                            setup.lastCheckpoint()));
        }
    }

    @Override
    public void endOfData() {
        batches = null;
    }

    /** Batches trained since the last optimizer step, their gradients still accumulating. */
    private int pendingBatches() {
        return (int) (trainedSteps - 1 - lastOptimizerStep);
    }

    @Override
    public DetectorState midEpoch(DetectorState state, int nextBatch, long step) {
        return state.midEpoch(
                nextBatch,
                step,
                sums,
                counted,
                images,
                skippedSteps,
                optimizerSteps,
                pendingBatches());
    }

    /**
     * Between two optimizer steps, the gradients accumulated since the last one, so that a resumed
     * run goes on exactly as an uninterrupted one.
     */
    @Override
    public Map<String, NDArray> pendingGradients() {
        if (pendingBatches() <= 0) {
            return null;
        }
        Map<String, NDArray> gradients = new LinkedHashMap<>();
        model.trainable().forEach((name, p) -> gradients.put(name, p.getArray().getGradient()));
        return gradients;
    }

    @Override
    public double meanLoss() {
        return (sums[0] + sums[1] + sums[2]) / Math.max(1, counted);
    }

    @Override
    public String describeLoss() {
        int steps = Math.max(1, counted);
        return "box "
                + DetectorTraining.fmt(sums[0] / steps)
                + " cls "
                + DetectorTraining.fmt(sums[1] / steps)
                + " dfl "
                + DetectorTraining.fmt(sums[2] / steps);
    }

    @Override
    public Double bestScore(DetectorState state) {
        return null;
    }

    @Override
    public DetectionMetrics validate() {
        return DetectorTraining.evaluate(model, val, run.settings().evalBatchSize()).metrics();
    }

    @Override
    public DetectorState epochDone(DetectorState state, DetectionMetrics metrics, EpochTime time) {
        int steps = Math.max(1, counted);
        DetectorEpoch result =
                DetectorEpochBuilder.builder()
                        .epoch(state.epochsDone() + 1)
                        .boxLoss(sums[0] / steps)
                        .classLoss(sums[1] / steps)
                        .dflLoss(sums[2] / steps)
                        .mAP50(metrics.mAP50())
                        .mAP50to95(metrics.mAP50to95())
                        .precision(metrics.precision())
                        .recall(metrics.recall())
                        .learningRate(learningRate)
                        .imagesPerSecond(time.imagesPerSecond())
                        .seconds(time.trainSeconds() + time.evalSeconds())
                        .skippedSteps(skippedSteps)
                        .build();
        return state.epochDone(result, time.step(), optimizerSteps);
    }

    @Override
    public void epochEnded(DetectorState done, DetectionMetrics metrics, EpochTime time) {
        DetectorEpoch result = done.history().get(done.history().size() - 1);
        log.info(
                "detector epoch {}/{}: loss box {} cls {} dfl {}; validation mAP50 {},"
                        + " mAP50-95 {}, P {}, R {}{} ({} s: {}){}",
                result.epoch(),
                setup.epochs(),
                DetectorTraining.fmt(result.boxLoss()),
                DetectorTraining.fmt(result.classLoss()),
                DetectorTraining.fmt(result.dflLoss()),
                DetectorTraining.fmt(result.mAP50()),
                DetectorTraining.fmt(result.mAP50to95()),
                DetectorTraining.fmt(result.precision()),
                DetectorTraining.fmt(result.recall()),
                done.improvedLastEpoch() ? " (best)" : "",
                Math.round(result.seconds()),
                time.stepTimes(),
                result.skippedSteps() > 0
                        ? "; " + result.skippedSteps() + " non-finite steps skipped"
                        : "");
        TensorBoardWriter board = run.board();
        if (board != null) {
            long step = time.step();
            board.scalar("detector/train/box_loss", result.boxLoss(), step);
            board.scalar("detector/train/cls_loss", result.classLoss(), step);
            board.scalar("detector/train/dfl_loss", result.dflLoss(), step);
            board.scalar("detector/val/mAP50", result.mAP50(), step);
            board.scalar("detector/val/mAP50-95", result.mAP50to95(), step);
            board.scalar("detector/val/precision", result.precision(), step);
            board.scalar("detector/val/recall", result.recall(), step);
            board.scalar("detector/lr", result.learningRate(), step);
        }
        requireFewSkipped(done);
        if (stale(done) && done.epochsDone() < setup.epochs()) {
            log.info(
                    "detector early stop: no better fitness for {} epochs (patience {})",
                    done.epochsWithoutImprovement(),
                    spec.patience());
        } else if (spec.patience() > 0
                && done.epochsWithoutImprovement() >= spec.patience()
                && done.epochsDone() < setup.epochs()) {
            log.info(
                    "detector: no better fitness for {} epochs, but the mosaic-free last"
                            + " epochs run to the end",
                    done.epochsWithoutImprovement());
        }
    }

    DetectorModel model() {
        return model;
    }

    List<BoxedPhoto> validation() {
        return val;
    }

    List<BoxedPhoto> training() {
        return train;
    }
}
