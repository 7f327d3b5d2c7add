package io.pillsnap.trainer.train;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.trainer.TrainingProgress;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.data.DatasetPreparation;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.progress.ProgressServer;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.train.detection.DetectorOutcome;
import io.pillsnap.trainer.train.detection.DetectorReport;
import io.pillsnap.trainer.train.detection.DetectorTraining;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One training run: the stage's files, the data sample and class map, then each task the stage
 * trains ({@link ClassifierTraining}, {@link DetectorTraining}), then metrics.json with every
 * task's part. Progress is served at /progress and written to TensorBoard throughout.
 */
public final class TrainingRun {

    public static final String CLASSIFIER_FILE = ClassifierTraining.CLASSIFIER_FILE;

    private final TrainConfig config;
    private final StopSignal stop;
    private final DatasetPreparation.SyntheticSource synthetic;
    private final RunDirectory dir;
    private final ProgressServer progress;
    private final TensorBoardWriter board;

    private TrainingRun(
            TrainConfig config, StopSignal stop, DatasetPreparation.SyntheticSource synthetic) {
        this.config = config;
        this.stop = stop;
        this.synthetic = synthetic;
        this.dir = RunDirectory.create(config.output());
        this.board = TensorBoardWriter.create(dir.tensorboard(), host());
        this.progress =
                config.progressPort() < 0
                        ? null
                        : ProgressServer.start(
                                config.progressPort(),
                                progress(
                                        TrainingProgress.PREPARING,
                                        0,
                                        config.spec().training().epochs(),
                                        0,
                                        0,
                                        null,
                                        null,
                                        null,
                                        null,
                                        null));
    }

    /** Trains as configured; throws {@link StoppedException} after a checkpoint when stopped. */
    public static TrainResult run(
            TrainConfig config, StopSignal stop, DatasetPreparation.SyntheticSource synthetic) {
        TrainingRun run = new TrainingRun(config, stop, synthetic);
        try {
            return run.execute();
        } finally {
            run.board.close();
            if (run.progress != null) {
                run.progress.close();
            }
        }
    }

    private TrainResult execute() {
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

        RunContext context =
                new RunContext(
                        config,
                        dir,
                        board,
                        stop,
                        (phase, epoch, epochs, batch, batches, loss, lr, rate, best, eta) -> {
                            if (progress != null) {
                                progress.update(
                                        progress(
                                                phase, epoch, epochs, batch, batches, loss, lr,
                                                rate, best, eta));
                            }
                        });
        ClassifierOutcome classifier =
                spec.tasks().contains(Task.CLASSIFICATION)
                        ? new ClassifierTraining(context).run(sample, classMapSha256)
                        : null;
        DetectorOutcome detector =
                spec.tasks().contains(Task.DETECTION)
                        ? new DetectorTraining(context).run(sample)
                        : null;

        PipelineEvaluation.Scored pipeline =
                classifier != null && detector != null
                        ? PipelineEvaluation.run(context, sample)
                        : null;

        Map<String, Object> metrics = new LinkedHashMap<>();
        if (classifier != null) {
            metrics.putAll(classifier.metricsJson());
        }
        if (detector != null) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("architecture", detector.architecture());
            part.put("imageSize", detector.imageSize());
            part.put("validation", DetectorReport.metrics(detector.validation()));
            if (detector.test() != null) {
                part.put("test", DetectorReport.metrics(detector.test()));
            }
            part.put("bestEpoch", detector.state().bestEpoch());
            part.put("epochs", detector.state().epochsDone());
            part.put("trainImagesPerSecond", detector.trainImagesPerSecond());
            part.put("wallSeconds", detector.wallSeconds());
            part.put("history", detector.state().history());
            metrics.put("detector", part);
        }
        if (pipeline != null) {
            Map<String, Object> part = new LinkedHashMap<>();
            part.put("validation", pipelinePart(pipeline.validation()));
            if (pipeline.test() != null) {
                part.put("test", pipelinePart(pipeline.test()));
            }
            metrics.put("pipeline", part);
        }
        dir.writeJson(dir.file("metrics.json"), metrics);
        return new TrainResult(
                dir.root(),
                config.runId(),
                sample,
                classMapSha256,
                sample.skipped(),
                (System.nanoTime() - started) / 1e9,
                classifier,
                detector,
                pipeline);
    }

    private static Map<String, Object> pipelinePart(
            io.pillsnap.api.detection.PipelineAccuracy.Score score) {
        Map<String, Object> part = new LinkedHashMap<>();
        part.put("pipelineTop1", Double.isNaN(score.accuracy()) ? null : score.accuracy());
        part.put("correct", score.correct());
        part.put("pills", score.pills());
        return part;
    }

    private TrainingProgress progress(
            String phase,
            int epoch,
            int epochs,
            int batch,
            int batches,
            Double loss,
            Double lr,
            Double rate,
            Double best,
            Long eta) {
        return new TrainingProgress(
                config.stageName(),
                config.runId(),
                phase,
                epoch,
                epochs,
                batch,
                batches,
                loss,
                lr,
                rate,
                best,
                eta,
                Instant.now().toString());
    }

    private static String host() {
        String name = System.getenv("HOSTNAME");
        return name == null || name.isBlank() ? "trainer" : name;
    }
}
