package io.pillsnap.trainer.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.trainer.classifier.ClassifierMetrics;
import io.pillsnap.trainer.classifier.ClassifierModel;
import io.pillsnap.trainer.classifier.HeldOut;
import io.pillsnap.trainer.classifier.LatencyMeter;
import io.pillsnap.trainer.classifier.Reports;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.DatasetPreparation;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.detector.DetectorCheckpointEvaluation;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.report.EvaluatedSet;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.report.EvaluationReport;
import io.pillsnap.trainer.runtime.Devices;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a saved checkpoint of a run on the run's validation split, sampled again from the data
 * with the run's own stage file (same seed, so the same pictures), and on the test set (the data's
 * val/ folder) when there is one: report/evaluation-&lt;checkpoint&gt;.json and the HTML report in
 * report/evaluate-&lt;checkpoint&gt;/.
 */
public final class CheckpointEvaluation {

    /** Said wherever the test set is scored for a checkpoint other than the one the run chose. */
    public static final String SPOILED_TEST_SET =
            "the test set was scored for checkpoint '%s', not the one the run chose (best, by"
                    + " validation): choosing a checkpoint by its test figures turns the test set"
                    + " into a second validation set, and its figures no longer estimate how the"
                    + " model does on new photos. Choose on validation; read the test set once.";

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private CheckpointEvaluation() {}

    /** The summary as the evaluate command's JSON holds it: the typed figures as maps. */
    private static Map<String, Object> asMap(Map<String, Object> summary) {
        return JSON.convertValue(summary, new TypeReference<Map<String, Object>>() {});
    }

    /** The caution for scoring {@code checkpoint} on a test set; null for the run's own choice. */
    public static String testSetWarning(String checkpoint) {
        return Checkpoints.BEST.equals(checkpoint) ? null : SPOILED_TEST_SET.formatted(checkpoint);
    }

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
        Map<String, Object> detector =
                stage.getSpec().tasks().contains(Task.DETECTION)
                        ? DetectorCheckpointEvaluation.run(
                                dir, stage, sample, data, settings, checkpoint, device)
                        : null;
        if (!stage.getSpec().tasks().contains(Task.CLASSIFICATION)) {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("detector", detector);
            String warning = detector.containsKey("test") ? testSetWarning(checkpoint) : null;
            if (warning != null) {
                summary.put("warning", warning);
            }
            return asMap(summary);
        }
        Path folder =
                Checkpoints.require(
                        dir.checkpoint(checkpoint),
                        "run " + runFolder + " has no checkpoint '" + checkpoint + "'");
        int size = stage.getSpec().model().classifier().imageSize();
        EfficientNetV2Config architecture =
                EfficientNetV2Config.of(stage.getSpec().model().classifier());
        Preprocessing preprocessing = architecture.flavour().preprocessing(size);
        ImageSource val =
                HeldOut.validation(
                        sample, preprocessing, settings, Long.MAX_VALUE, new SkipReport());
        List<Sample> testPhotos =
                TestSet.find(stage.getSpec().dataset(), data, trained, settings.effectiveWorkers());
        try (ClassifierModel model =
                new ClassifierModel(
                        architecture,
                        trained.size(),
                        size,
                        Devices.choose(device),
                        stage.getSpec().dataset().seed())) {
            Checkpoints.loadWeights(folder, model.parameters(), false, model.manager());
            Evaluation evaluation =
                    HeldOut.evaluate(model, val, preprocessing, settings, trained.size());
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put(
                    "validation",
                    Reports.finalMetrics(
                            evaluation,
                            null,
                            LatencyMeter.measure(
                                    model::logits,
                                    HeldOut.firstInput(val, preprocessing),
                                    settings.latencySamples())));
            List<EvaluatedSet> sets = new ArrayList<>();
            sets.add(Reports.set("validation", evaluation, val));
            String warning = testPhotos.isEmpty() ? null : testSetWarning(checkpoint);
            if (warning != null) {
                summary.put("warning", warning);
            }
            if (!testPhotos.isEmpty()) {
                ImageSource test =
                        HeldOut.load(
                                "test",
                                testPhotos,
                                preprocessing,
                                settings,
                                Long.MAX_VALUE,
                                new SkipReport());
                Evaluation scored =
                        HeldOut.evaluate(model, test, preprocessing, settings, trained.size());
                summary.put("test", ClassifierMetrics.SetFigures.of(scored));
                sets.add(Reports.set("test", scored, test));
            }
            dir.writeJson(dir.report("evaluation-" + checkpoint + ".json"), summary);
            if (detector != null) {
                summary.put("detector", detector);
            }
            // beside the run's own report, which describes the checkpoint it chose
            EvaluationReport.write(
                    dir.reportFolder().resolve("evaluate-" + checkpoint),
                    trained,
                    sets,
                    null,
                    0,
                    warning,
                    null);
            return asMap(summary);
        }
    }
}
