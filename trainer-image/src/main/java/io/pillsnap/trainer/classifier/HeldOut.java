package io.pillsnap.trainer.classifier;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.DecodeProgress;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestPhotos;
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
     * The chosen checkpoint on the test set, once, with the logits calibration reads.
     *
     * @param set the known photos' evaluation
     * @param known their logits
     * @param unknown the logits of the photos of drugs outside the stage; empty without any
     */
    record Tested(EvaluatedSet set, KeptLogits known, KeptLogits unknown) {}

    /**
     * The chosen checkpoint on the test set (the stage's drugs, and a sample of other drugs' photos
     * as unknowns), once; null when the dataset has none. Writes report/skipped.json: the training
     * data's skipped files, and the test set's under "test".
     */
    static Tested test(
            RunContext run, StageSample sample, ClassifierModel model, long memoryBudget) {
        TrainerSettings settings = run.settings();
        SkipReport skipped = new SkipReport();
        TestPhotos photos =
                TestSet.findWithUnknowns(
                        run.config().spec().dataset(),
                        run.config().data(),
                        sample.classes(),
                        settings.effectiveWorkers(),
                        skipped);
        Preprocessing preprocessing = model.preprocessing();
        ImageSource known =
                photos.known().isEmpty()
                        ? null
                        : load(
                                "test",
                                photos.known(),
                                preprocessing,
                                settings,
                                memoryBudget,
                                skipped);
        ImageSource unknown =
                known == null || photos.unknown().isEmpty()
                        ? null
                        : load(
                                "unknown test",
                                photos.unknownSamples(),
                                preprocessing,
                                settings,
                                memoryBudget,
                                skipped);
        Map<String, Object> json = new LinkedHashMap<>(sample.skipped().toJson());
        json.put("test", skipped.toJson());
        run.dir().writeJson(run.dir().report("skipped.json"), json);
        if (known == null) {
            return null;
        }
        if (skipped.total() > 0) {
            log.warn("test set: skipped {}", skipped);
        }
        if (known.size() == 0) {
            log.warn("test set: no readable photo; the gate reads validation metrics");
            return null;
        }
        int classes = sample.classes().size();
        KeptLogits knownLogits =
                new KeptLogits(known.size(), classes, KeptLogits.DEFAULT_MAX_VALUES);
        Evaluation evaluation =
                evaluate(model, known, preprocessing, settings, classes, knownLogits);
        KeptLogits unknownLogits =
                unknown == null || unknown.size() == 0
                        ? new KeptLogits(0, classes, Long.MAX_VALUE)
                        : logits(model, unknown, preprocessing, settings, classes);
        return new Tested(Reports.set("test", evaluation, known), knownLogits, unknownLogits);
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
        return evaluate(model, photos, preprocessing, settings, classes, null);
    }

    /** As above, keeping the photos' logits for calibration in {@code kept} (null: none). */
    public static Evaluation evaluate(
            ClassifierModel model,
            ImageSource photos,
            Preprocessing preprocessing,
            TrainerSettings settings,
            int classes,
            KeptLogits kept) {
        try (BatchLoader loader = sequential(photos, preprocessing, settings)) {
            return ClassificationEvaluator.evaluate(loader, model::logits, classes, kept);
        }
    }

    /** The logits of photos without a class (unknown drugs), every one kept. */
    static KeptLogits logits(
            ClassifierModel model,
            ImageSource photos,
            Preprocessing preprocessing,
            TrainerSettings settings,
            int classes) {
        KeptLogits kept = new KeptLogits(photos.size(), classes, Long.MAX_VALUE);
        int image = 0;
        try (BatchLoader loader = sequential(photos, preprocessing, settings)) {
            while (loader.hasNext()) {
                Batch batch = loader.next();
                float[] scores = model.logits(batch);
                for (int i = 0; i < batch.size(); i++) {
                    kept.offer(image++, scores, i * classes, Sample.UNKNOWN);
                }
            }
        }
        return kept;
    }

    private static BatchLoader sequential(
            ImageSource photos, Preprocessing preprocessing, TrainerSettings settings) {
        return new BatchLoader(
                LoaderPlan.builder()
                        .source(photos)
                        .order(BatchLoader.sequential(photos.size()))
                        .batchSize(settings.evalBatchSize())
                        .preprocessing(preprocessing)
                        .workers(settings.effectiveWorkers())
                        .prefetch(settings.prefetchBatches())
                        .build());
    }
}
