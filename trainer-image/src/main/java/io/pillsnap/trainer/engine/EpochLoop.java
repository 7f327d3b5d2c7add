package io.pillsnap.trainer.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import io.pillsnap.api.text.Texts;
import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.trainer.TrainingProgressBuilder;
import io.pillsnap.trainer.data.BatchLoader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one training loop of every task, one batch per {@link #step()}: the batch's libtorch seed,
 * step and data time, the epoch's end with its validation under the weight average, the last and
 * best checkpoints, progress lines, /progress and TensorBoard, and the out-of-memory guard. What
 * differs between tasks comes from their {@link TrainingTask}.
 */
public final class EpochLoop<S extends LoopState, B, E> implements TaskLoop {

    private static final Logger log = LoggerFactory.getLogger(EpochLoop.class);

    private final RunContext run;
    private final TrainingTask<S, B, E> task;
    private final LoopSetup setup;
    private final StepTimes times = new StepTimes();
    private S state;
    private int nextBatch;
    private long step;
    private boolean epochOpen;
    private int imagesThisStart;
    private long busyNanos;
    private double rate;
    private double lastEvalSeconds;

    public EpochLoop(RunContext run, TrainingTask<S, B, E> task, S state) {
        this.run = run;
        this.task = task;
        this.setup = task.setup();
        begin(state);
    }

    private void begin(S from) {
        state = from;
        nextBatch = from.nextBatch();
        step = from.step();
        imagesThisStart = 0;
        busyNanos = 0;
        epochOpen = false;
        task.begin(from);
    }

    @Override
    public String task() {
        return setup.task();
    }

    /** Where the task stands: what its checkpoints save. */
    public S state() {
        return state;
    }

    @Override
    public boolean finished() {
        return state.epochsDone() >= setup.epochs() || task.stale(state);
    }

    @Override
    public boolean epochComplete() {
        return nextBatch >= setup.batchesPerEpoch();
    }

    @Override
    public long steps() {
        return step;
    }

    @Override
    public void step() {
        int epoch = state.epochsDone();
        int batch = nextBatch;
        long begin = System.nanoTime();
        B loaded = task.load(epoch, batch);
        epochOpen = true;
        long ready = System.nanoTime();
        times.data(ready - begin);
        // dropout, stochastic depth and the loss's draws come from libtorch's generator: reseeding
        // per batch makes a resumed epoch draw what the uninterrupted one drew
        Engine.getInstance().setRandomSeed((int) BatchLoader.mix(run.seed(), epoch, batch));
        long index = step;
        step++;
        nextBatch = batch + 1;
        TrainingTask.Trained trained;
        try {
            trained = task.train(loaded, state, new TrainingTask.BatchAt(epoch, batch, index));
        } catch (MicroBatching.OutOfDeviceMemoryException e) {
            step = index;
            nextBatch = batch;
            saveLast();
            throw new IllegalStateException(
                    e.getMessage()
                            + "; saved "
                            + lastCheckpoint()
                            + " at "
                            + position()
                            + ", which a rerun resumes from",
                    e);
        } catch (KeptCheckpointException e) {
            saveLast();
            throw e;
        }
        imagesThisStart += trained.images();
        long end = System.nanoTime();
        times.compute(end - ready);
        busyNanos += end - begin;
        rate = imagesThisStart / (busyNanos / 1e9);
        if (nextBatch % run.settings().logEveryBatches() == 0
                || nextBatch == setup.batchesPerEpoch()) {
            report(epoch, trained.learningRate());
        }
    }

    @Override
    public void endEpoch() {
        closeData();
        int epoch = state.epochsDone();
        double trainSeconds = busyNanos / 1e9;
        publish(TrainingProgress.EVALUATING, epoch, setup.batchesPerEpoch(), task.meanLoss(), null);
        long evalStart = System.nanoTime();
        E validation =
                setup.average() == null
                        ? task.validate()
                        : setup.average().withAverage(task::validate);
        lastEvalSeconds = (System.nanoTime() - evalStart) / 1e9;
        EpochTime time =
                new EpochTime(
                        trainSeconds,
                        lastEvalSeconds,
                        trainSeconds > 0 ? imagesThisStart / trainSeconds : 0,
                        step,
                        times.describe());
        double epochLoss = task.meanLoss();
        S done = task.epochDone(state, validation, time);
        begin(done);
        saveLast();
        if (done.improvedLastEpoch()) {
            setup.weights().saveBest(setup.bestCheckpoint(), state);
        }
        try {
            task.epochEnded(done, validation, time);
        } finally {
            times.writeAndReset(run.board(), setup.boardPrefix(), step);
        }
        publish(TrainingProgress.TRAINING, epoch + 1, 0, epochLoss, null);
    }

    private void report(int epoch, float learningRate) {
        double loss = task.meanLoss();
        long eta = eta(epoch);
        if (run.board() != null) {
            run.board().scalar(setup.boardPrefix() + "train/loss", loss, step);
            run.board().scalar(setup.boardPrefix() + "train/learning_rate", learningRate, step);
            run.board().scalar(setup.boardPrefix() + "train/images_per_second", rate, step);
        }
        log.info(
                "{}epoch {}/{} batch {}/{}: loss {}, lr {}, {} img/s, eta {}",
                setup.logPrefix(),
                epoch + 1,
                setup.epochs(),
                nextBatch,
                setup.batchesPerEpoch(),
                task.describeLoss(),
                String.format(Locale.ROOT, "%.2e", learningRate),
                Math.round(rate),
                Texts.duration(eta));
        publish(TrainingProgress.TRAINING, epoch, nextBatch, loss, (double) learningRate, eta);
    }

    /** Seconds left: the batches to go at this start's rate, and a validation per epoch to go. */
    private long eta(int epoch) {
        int epochs = setup.epochs();
        int batches = setup.batchesPerEpoch();
        long remaining = (long) (epochs - epoch - 1) * batches + (batches - nextBatch);
        double seconds = rate > 0 ? remaining * setup.batchSize() / rate : 0;
        return Math.round(seconds + (epochs - epoch) * lastEvalSeconds);
    }

    private void publish(String phase, int epoch, int batch, Double loss, Double learningRate) {
        publish(phase, epoch, batch, loss, learningRate, null);
    }

    private void publish(
            String phase, int epoch, int batch, Double loss, Double learningRate, Long eta) {
        run.progress()
                .update(
                        TrainingProgressBuilder.builder()
                                .task(setup.task())
                                .phase(phase)
                                .epoch(epoch)
                                .epochs(setup.epochs())
                                .batch(batch)
                                .batches(setup.batchesPerEpoch())
                                .loss(loss)
                                .learningRate(learningRate)
                                .imagesPerSecond(rate)
                                .bestTop1(task.bestScore(state))
                                .etaSeconds(eta)
                                .build());
    }

    /**
     * After the last epoch: loads the best checkpoint into the model for the final evaluation and
     * says so at /progress.
     *
     * @return the best checkpoint's folder
     */
    public Path loadBest() {
        Path best = Checkpoints.find(setup.bestCheckpoint()).orElseThrow();
        TrainableModel<?> model = setup.model();
        Checkpoints.loadWeights(best, model.parameters(), false, model.manager());
        publish(TrainingProgress.EVALUATING, state.epochsDone(), 0, null, null);
        return best;
    }

    /** Says at /progress that the model is being exported. */
    public void exporting() {
        publish(TrainingProgress.EXPORTING, state.epochsDone(), 0, null, null);
    }

    /** Saves the last checkpoint where the loop stands, mid-epoch included. */
    @Override
    public void saveLast() {
        S current = nextBatch == 0 ? state : task.midEpoch(state, nextBatch, step);
        Map<String, NDArray> gradients = task.pendingGradients();
        try {
            setup.weights().saveLast(setup.lastCheckpoint(), current, gradients);
        } finally {
            if (gradients != null) {
                gradients.values().forEach(NDArray::close);
            }
        }
    }

    @Override
    public String position() {
        return nextBatch == 0
                ? setup.task() + " end of epoch " + state.epochsDone()
                : setup.task() + " epoch " + (state.epochsDone() + 1) + ", batch " + nextBatch;
    }

    @Override
    public Path lastCheckpoint() {
        return setup.lastCheckpoint();
    }

    private void closeData() {
        if (epochOpen) {
            task.endOfData();
            epochOpen = false;
        }
    }

    @Override
    public void close() {
        closeData();
        setup.model().close();
    }
}
