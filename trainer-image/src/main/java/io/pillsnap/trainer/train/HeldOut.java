package io.pillsnap.trainer.train;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.eval.ClassificationEvaluator;
import io.pillsnap.trainer.eval.Evaluation;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scoring a model on photos it did not train on: the validation split during and after training,
 * the test set once at the end, the same way for a run and for {@code pillsnap-trainer evaluate}.
 */
final class HeldOut {

    private static final Logger log = LoggerFactory.getLogger(HeldOut.class);

    private HeldOut() {}

    /** The photos at the model's input size, decoded on the settings' workers. */
    static ImageSource load(
            String name,
            List<Sample> samples,
            Preprocessing preprocessing,
            TrainerSettings settings,
            long memoryBudget,
            SkipReport skipped) {
        int size = preprocessing.imageSize();
        return ImageSource.load(
                samples,
                preprocessing::square,
                (long) size * size * 3,
                settings.effectiveWorkers(),
                memoryBudget,
                skipped,
                done -> {
                    if (done % 500 == 0 || done == samples.size()) {
                        log.info("decoded {}/{} {} pictures", done, samples.size(), name);
                    }
                });
    }

    static Evaluation evaluate(
            ClassifierModel model,
            ImageSource photos,
            Preprocessing preprocessing,
            TrainerSettings settings,
            int classes) {
        try (BatchLoader loader =
                new BatchLoader(
                        photos,
                        BatchLoader.sequential(photos.size()),
                        settings.evalBatchSize(),
                        0,
                        null,
                        preprocessing,
                        0,
                        0,
                        settings.effectiveWorkers(),
                        settings.prefetchBatches())) {
            return ClassificationEvaluator.evaluate(loader, model::logits, classes);
        }
    }
}
