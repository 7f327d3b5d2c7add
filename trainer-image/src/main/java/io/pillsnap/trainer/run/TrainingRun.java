package io.pillsnap.trainer.run;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.trainer.TrainingProgressBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.trainer.classifier.ClassifierOutcome;
import io.pillsnap.trainer.classifier.ClassifierTraining;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.data.DatasetPreparation;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.detector.DetectorMetrics;
import io.pillsnap.trainer.detector.DetectorOutcome;
import io.pillsnap.trainer.detector.DetectorTraining;
import io.pillsnap.trainer.engine.Interleaving;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.engine.RunImageStore;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.progress.ProgressServer;
import io.pillsnap.trainer.progress.TaskSnapshots;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.runtime.Devices;
import io.pillsnap.trainer.runtime.GpuSwitches;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run: the stage's files, the data sample and class map, then each task the stage
 * trains ({@link ClassifierTraining}, {@link DetectorTraining}), then metrics.json with every
 * task's part. Progress is served at /progress and written to TensorBoard throughout.
 */
public final class TrainingRun {

    public static final String CLASSIFIER_FILE = ClassifierTraining.CLASSIFIER_FILE;
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    private final TrainConfig config;
    private final StopSignal stop;
    private final DatasetPreparation.SyntheticSource synthetic;
    private final RunDirectory dir;
    private final ProgressServer progress;
    private final TensorBoardWriter board;
    private final RunImageStore images;
    private final TaskSnapshots snapshots = new TaskSnapshots();
    private java.util.function.Consumer<String> turns;

    private TrainingRun(
            TrainConfig config, StopSignal stop, DatasetPreparation.SyntheticSource synthetic) {
        this.config = config;
        this.stop = stop;
        this.synthetic = synthetic;
        this.dir = RunDirectory.create(config.output());
        this.board = TensorBoardWriter.create(dir.tensorboard(), host());
        this.images = new RunImageStore(ImagePreparation.storeFolder(config, dir.root()));
        this.progress =
                config.progressPort() < 0
                        ? null
                        : ProgressServer.start(
                                config.progressPort(),
                                stamped(
                                        TrainingProgressBuilder.builder()
                                                .phase(TrainingProgress.PREPARING)
                                                .epochs(config.spec().training().epochs())
                                                .build()));
    }

    /** Trains as configured; throws {@link StoppedException} after a checkpoint when stopped. */
    public static RunOutcome run(
            TrainConfig config, StopSignal stop, DatasetPreparation.SyntheticSource synthetic) {
        return run(config, stop, synthetic, null);
    }

    /**
     * As above, telling {@code turns} the task of every training step in order ("classifier",
     * "detector"), as tests check the interleaving.
     */
    public static RunOutcome run(
            TrainConfig config,
            StopSignal stop,
            DatasetPreparation.SyntheticSource synthetic,
            java.util.function.Consumer<String> turns) {
        TrainingRun run = new TrainingRun(config, stop, synthetic);
        run.turns = turns;
        try {
            return run.execute();
        } finally {
            run.board.close();
            run.images.close();
            if (run.progress != null) {
                run.progress.close();
            }
        }
    }

    private RunOutcome execute() {
        long started = System.nanoTime();
        PillsnapStageSpec spec = config.spec();
        dir.writeText(dir.file("stage.yaml"), Serialization.asYaml(config.stage()));
        dir.writeJson(dir.file("trainer-settings.json"), config.settings());

        StageSample sample =
                DatasetPreparation.prepare(
                        spec.dataset(),
                        config.data(),
                        config.settings().effectiveWorkers(),
                        synthetic);
        String classMapSha256 = dir.writeJsonHashed(dir.file("classes.json"), sample.classes());
        dir.writeText(dir.root().resolve("data/sample.csv"), sample.manifest());
        dir.writeText(
                dir.root().resolve("data/sample.sha256"),
                sample.manifestSha256() + "  sample.csv\n");

        RunContext context = new RunContext(config, dir, board, stop, this::publish, images);
        GpuSwitches.apply(Devices.choose(config.device()), spec.training().deterministic())
                .forEach(log::info);
        boolean classifies = spec.tasks().contains(Task.CLASSIFICATION);
        boolean detects = spec.tasks().contains(Task.DETECTION);
        ClassifierOutcome classifier = null;
        DetectorOutcome detector = null;
        if (classifies && detects) {
            PipelineTruth.requireScorable(sample.combinationVal(), sample.classes());
            Trained both = interleaved(context, sample, classMapSha256);
            classifier = both.classifier();
            detector = both.detector();
        } else if (classifies) {
            classifier = new ClassifierTraining(context).run(sample, classMapSha256);
        } else if (detects) {
            detector = new DetectorTraining(context).run(sample);
        }

        PipelineEvaluation.Scored pipeline =
                classifier != null && detector != null
                        ? PipelineEvaluation.run(
                                context, sample, classifier.calibration().manifest())
                        : null;

        MetricsFile metrics =
                new MetricsFile(
                        classifier == null ? null : classifier.metrics(),
                        detector == null ? null : DetectorMetrics.of(detector),
                        pipeline == null ? null : PipelineEvaluation.Metrics.of(pipeline));
        dir.writeJson(dir.file("metrics.json"), metrics);
        return RunOutcomeBuilder.builder()
                .runDirectory(dir.root())
                .runId(config.runId())
                .sample(sample)
                .classMapSha256(classMapSha256)
                .skipped(sample.skipped())
                .wallSeconds((System.nanoTime() - started) / 1e9)
                .classifier(classifier)
                .detector(detector)
                .pipeline(pipeline)
                .build();
    }

    private record Trained(ClassifierOutcome classifier, DetectorOutcome detector) {}

    /**
     * Both models in one process, their steps interleaved by the spec's detection:classification
     * ratio; then each is scored and exported.
     */
    private Trained interleaved(RunContext context, StageSample sample, String classMapSha256) {
        int[] ratio = Interleaving.ratio(config.spec().training().interleaveRatio());
        ClassifierTraining classifying = new ClassifierTraining(context);
        DetectorTraining detecting = new DetectorTraining(context);
        try (var classifier = classifying.start(sample, classMapSha256);
                var detector = detecting.start(sample)) {
            log.info(
                    "training both models interleaved: {} detector step(s), then {} classifier"
                            + " step(s), repeating",
                    ratio[0],
                    ratio[1]);
            Interleaving.run(List.of(detector, classifier), ratio, stop, turns);
            return new Trained(classifying.finish(classifier), detecting.finish(detector));
        }
    }

    /** The latest snapshot of each task; the newest is served with all of them beside it. */
    private void publish(TrainingProgress snapshot) {
        TrainingProgress served = snapshots.update(snapshot.task(), stamped(snapshot));
        if (progress != null) {
            progress.update(served);
        }
    }

    /** The snapshot with the run's stage, run id and the time it was taken. */
    private TrainingProgress stamped(TrainingProgress snapshot) {
        return snapshot.withStage(config.stageName())
                .withRunId(config.runId())
                .withUpdated(Instant.now().toString());
    }

    private static String host() {
        String name = System.getenv("HOSTNAME");
        return name == null || name.isBlank() ? "trainer" : name;
    }
}
