package io.pillsnap.trainer.train;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.DatasetPreparation;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.eval.ClassificationEvaluator;
import io.pillsnap.trainer.eval.Evaluation;
import io.pillsnap.trainer.model.EfficientNetV2Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Evaluates a saved checkpoint of a run on the run's validation split, sampled again from the data
 * with the run's own stage file (same seed, so the same pictures).
 */
public final class CheckpointEvaluation {

    private CheckpointEvaluation() {}

    public static Map<String, Object> run(
            Path runFolder, Path data, String checkpoint, String device) {
        RunDirectory dir = new RunDirectory(runFolder);
        PillsnapStage stage =
                TrainConfig.loadStage(dir.file("stage.yaml"), TrainConfig.Overrides.none());
        TrainerSettings settings = TrainerDefaults.forStage(null, stage.getSpec().stage());
        StageSample sample =
                DatasetPreparation.prepare(
                        stage.getSpec().dataset(),
                        data,
                        settings.effectiveWorkers(),
                        folder -> {
                            throw new ConfigException(
                                    "evaluate reads existing data; " + folder + " has none");
                        });
        ClassMap trained;
        try {
            trained =
                    JsonMapper.builder()
                            .build()
                            .readValue(dir.file("classes.json").toFile(), ClassMap.class);
        } catch (IOException e) {
            throw new ConfigException(
                    "cannot read " + dir.file("classes.json") + ": " + e.getMessage(), e);
        }
        if (!trained.equals(sample.classes())) {
            throw new ConfigException(
                    "the data under "
                            + data
                            + " samples other classes than run "
                            + runFolder
                            + " was trained on: evaluate it with the dataset it was trained on");
        }
        Path folder =
                Checkpoints.find(dir.checkpoint(checkpoint))
                        .orElseThrow(
                                () ->
                                        new ConfigException(
                                                "run "
                                                        + runFolder
                                                        + " has no checkpoint '"
                                                        + checkpoint
                                                        + "'"));
        int size = stage.getSpec().model().classifier().imageSize();
        Preprocessing preprocessing = Preprocessing.imagenet(size);
        ImageSource val =
                ImageSource.load(
                        sample.val(),
                        preprocessing::square,
                        (long) size * size * 3,
                        settings.effectiveWorkers(),
                        Long.MAX_VALUE,
                        new SkipReport(),
                        n -> {});
        try (ClassifierModel model =
                new ClassifierModel(
                        EfficientNetV2Config.of(stage.getSpec().model().classifier()),
                        trained.size(),
                        size,
                        ClassifierModel.device(device),
                        stage.getSpec().dataset().seed())) {
            Checkpoints.loadWeights(folder, model.parameters(), false, model.manager());
            try (BatchLoader loader =
                    new BatchLoader(
                            val,
                            BatchLoader.sequential(val.size()),
                            settings.evalBatchSize(),
                            0,
                            null,
                            preprocessing,
                            0,
                            0,
                            settings.effectiveWorkers(),
                            settings.prefetchBatches())) {
                Evaluation evaluation =
                        ClassificationEvaluator.evaluate(loader, model::logits, trained.size());
                Map<String, Object> summary =
                        Reports.finalMetrics(
                                evaluation,
                                LatencyMeter.measure(
                                        model::logits,
                                        firstInput(val, preprocessing),
                                        settings.latencySamples()));
                dir.writeJson(dir.report("evaluation-" + checkpoint + ".json"), summary);
                return summary;
            }
        }
    }

    private static float[] firstInput(ImageSource val, Preprocessing preprocessing) {
        float[] input = new float[3 * preprocessing.imageSize() * preprocessing.imageSize()];
        preprocessing.normalise(val.image(0).pixels(), input, 0);
        return input;
    }
}
