package io.pillsnap.trainer.train;

import ai.djl.Device;
import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.api.detection.PipelineAccuracy;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.model.EfficientNetV2Config;
import io.pillsnap.trainer.train.detection.DetectorModel;
import io.pillsnap.trainer.train.detection.DetectorTraining;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two-stage pipeline of a run that trains both models, scored on the combination photos with
 * the shared {@link ComboPipeline} (as the server answers): the best detector and classifier
 * checkpoints, every true pill detected and named or not. Reported as {@code pipelineTop1} on the
 * validation photos and on the test photos.
 */
public final class PipelineEvaluation {

    private static final Logger log = LoggerFactory.getLogger(PipelineEvaluation.class);

    private PipelineEvaluation() {}

    /**
     * @param test null when the dataset has no test combination photos
     */
    public record Scored(PipelineAccuracy.Score validation, PipelineAccuracy.Score test) {}

    static Scored run(RunContext run, StageSample sample) {
        var spec = run.config().spec();
        EfficientNetV2Config classifierArchitecture =
                EfficientNetV2Config.of(spec.model().classifier());
        int classifierSize = run.config().imageSize();
        Preprocessing preprocessing =
                classifierArchitecture.flavour().preprocessing(classifierSize);
        DetectorTraining detectorTask = new DetectorTraining(run);
        Device device = ClassifierModel.device(run.config().device());
        ComboPipeline pipeline =
                new ComboPipeline(
                        detectorTask.imageSize(),
                        preprocessing,
                        ComboPipeline.SERVING,
                        sample.classes().size(),
                        1);
        List<LabelledImage> testPhotos =
                TestSet.findCombinations(
                        spec.dataset(), run.config().data(), run.settings().effectiveWorkers());
        try (ClassifierModel classifier =
                        new ClassifierModel(
                                classifierArchitecture,
                                sample.classes().size(),
                                classifierSize,
                                device,
                                run.seed());
                DetectorModel detector =
                        new DetectorModel(
                                detectorTask.architecture(),
                                detectorTask.imageSize(),
                                device,
                                run.seed())) {
            Checkpoints.loadWeights(
                    Checkpoints.find(run.dir().checkpoint(Checkpoints.BEST)).orElseThrow(),
                    classifier.parameters(),
                    false,
                    classifier.manager());
            Checkpoints.loadWeights(
                    Checkpoints.find(run.dir().checkpoint(DetectorTraining.BEST)).orElseThrow(),
                    detector.parameters(),
                    false,
                    detector.manager());
            ComboPipeline.Classifier names =
                    (images, batch) ->
                            classifier.logits(new Batch(0, images, new long[batch], batch));
            PipelineAccuracy.Score validation =
                    score(
                            pipeline,
                            detector::head,
                            names,
                            sample.combinationVal(),
                            sample.classes());
            PipelineAccuracy.Score test =
                    testPhotos.isEmpty()
                            ? null
                            : score(pipeline, detector::head, names, testPhotos, sample.classes());
            log.info(
                    "two-stage pipeline: validation pipelineTop1 {} ({} of {} pills){}",
                    fmt(validation.accuracy()),
                    validation.correct(),
                    validation.pills(),
                    test == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; test %.4f (%d of %d pills)",
                                    test.accuracy(),
                                    test.correct(),
                                    test.pills()));
            return new Scored(validation, test);
        }
    }

    private static PipelineAccuracy.Score score(
            ComboPipeline pipeline,
            ComboPipeline.Detector detector,
            ComboPipeline.Classifier classifier,
            List<LabelledImage> photos,
            ClassMap classes) {
        Map<String, Integer> index = new HashMap<>();
        for (DrugClass drug : classes.classes()) {
            index.put(drug.kCode(), drug.index());
        }
        List<List<PipelineAccuracy.TruePill>> truths = new ArrayList<>();
        List<List<ComboPipeline.Pill>> predictions = new ArrayList<>();
        int unnamed = 0;
        for (LabelledImage photo : photos) {
            RgbImage image;
            try {
                image = ImageDecoder.decode(photo.image(), ImageDecoder.DEFAULT_MAX_PIXELS);
            } catch (ImageDecoder.UnreadableImageException e) {
                log.warn("pipeline evaluation skips {}: {}", photo.image(), e.getMessage());
                continue;
            }
            List<PipelineAccuracy.TruePill> truth = new ArrayList<>();
            for (LabelledImage.Box box : photo.boxes()) {
                Integer classIndex = index.get(box.kCode());
                if (classIndex == null) {
                    unnamed++;
                    continue;
                }
                truth.add(
                        new PipelineAccuracy.TruePill(
                                Box.ofXywh(box.x(), box.y(), box.width(), box.height()),
                                classIndex));
            }
            truths.add(truth);
            predictions.add(pipeline.predict(image, detector, classifier));
        }
        if (unnamed > 0) {
            log.info(
                    "pipeline evaluation: {} pills of drugs outside the stage's classes left out",
                    unnamed);
        }
        return PipelineAccuracy.score(truths, predictions);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
