package io.pillsnap.trainer.classifier;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.DecodeProgress;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.report.EvaluatedSet;
import io.pillsnap.trainer.report.Evaluation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scoring a model on photos it did not train on: the validation split during and after training,
 * the test set once at the end, the same way for a run and for {@code pillsnap-trainer evaluate}.
 */
public final class HeldOut {

    private static final Logger log = LoggerFactory.getLogger(HeldOut.class);

    private HeldOut() {}

    /** The photos at the model's input size, decoded on the settings' workers. */
    public static ImageSource load(
            String name,
            List<Sample> samples,
            Preprocessing preprocessing,
            TrainerSettings settings,
            long memoryBudget,
            SkipReport skipped) {
        int size = preprocessing.imageSize();
        return ImageSource.load(
                samples,
                ImageSource.servedAs(preprocessing),
                (long) size * size * 3,
                settings.effectiveWorkers(),
                memoryBudget,
                skipped,
                DecodeProgress.logged(name, samples.size()));
    }

    /** The stage's validation split at the model's input size. */
    public static ImageSource validation(
            StageSample sample,
            Preprocessing preprocessing,
            TrainerSettings settings,
            long memoryBudget,
            SkipReport skipped) {
        return load("validation", sample.val(), preprocessing, settings, memoryBudget, skipped);
    }

    /**
     * The chosen checkpoint on the test set, once; null when the dataset has none. Writes
     * report/skipped.json: the training data's skipped files, and the test set's under "test".
     */
    static EvaluatedSet test(
            RunContext run, StageSample sample, ClassifierModel model, long memoryBudget) {
        TrainerSettings settings = run.settings();
        SkipReport skipped = new SkipReport();
        List<Sample> photos =
                TestSet.find(
                        run.config().spec().dataset(),
                        run.config().data(),
                        sample.classes(),
                        settings.effectiveWorkers(),
                        skipped);
        ImageSource source =
                photos.isEmpty()
                        ? null
                        : load(
                                "test",
                                photos,
                                model.preprocessing(),
                                settings,
                                memoryBudget,
                                skipped);
        Map<String, Object> json = new LinkedHashMap<>(sample.skipped().toJson());
        json.put("test", skipped.toJson());
        run.dir().writeJson(run.dir().report("skipped.json"), json);
        if (source == null) {
            return null;
        }
        if (skipped.total() > 0) {
            log.warn("test set: skipped {}", skipped);
        }
        if (source.size() == 0) {
            log.warn("test set: no readable photo; the gate reads validation metrics");
            return null;
        }
        Evaluation evaluation =
                evaluate(model, source, model.preprocessing(), settings, sample.classes().size());
        return Reports.set("test", evaluation, source);
    }

    /** The model input of the first photo, for single-image latency. */
    public static float[] firstInput(ImageSource photos, Preprocessing preprocessing) {
        float[] input = new float[3 * preprocessing.imageSize() * preprocessing.imageSize()];
        preprocessing.normalise(photos.image(0).pixels(), input, 0);
        return input;
    }

    public static Evaluation evaluate(
            ClassifierModel model,
            ImageSource photos,
            Preprocessing preprocessing,
            TrainerSettings settings,
            int classes) {
        try (BatchLoader loader =
                new BatchLoader(
                        LoaderPlan.builder()
                                .source(photos)
                                .order(BatchLoader.sequential(photos.size()))
                                .batchSize(settings.evalBatchSize())
                                .preprocessing(preprocessing)
                                .workers(settings.effectiveWorkers())
                                .prefetch(settings.prefetchBatches())
                                .build())) {
            return ClassificationEvaluator.evaluate(loader, model::logits, classes);
        }
    }
}
