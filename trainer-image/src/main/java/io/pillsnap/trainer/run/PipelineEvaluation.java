package io.pillsnap.trainer.run;

import ai.djl.Device;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.api.detection.PipelineAccuracy;
import io.pillsnap.trainer.classifier.ClassifierModel;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import io.pillsnap.trainer.data.UnknownDrugs;
import io.pillsnap.trainer.detector.DetectorModel;
import io.pillsnap.trainer.detector.DetectorTraining;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.runtime.Devices;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    public record Scored(SetScore validation, SetScore test) {}

    /** One set's score, its "not sure" answers per pill and what its labelled boxes held. */
    public record SetScore(
            PipelineAccuracy.Score score, PipelineAnswers answers, PipelineTruth.Counts boxes) {

        /** As {@code metrics.json} writes it: pipelineTop1 is null when no pill was scored. */
        public Figures figures() {
            return new Figures(
                    score.pills() == 0 ? null : score.accuracy(),
                    score.correct(),
                    score.pills(),
                    answers,
                    boxes);
        }
    }

    /** One set's pipeline figures in {@code metrics.json}. */
    public record Figures(
            Double pipelineTop1,
            int correct,
            int pills,
            PipelineAnswers answers,
            @JsonUnwrapped PipelineTruth.Counts boxes) {}

    /** The pipeline's part of {@code metrics.json}. */
    public record Metrics(
            Figures validation, @JsonInclude(JsonInclude.Include.NON_NULL) Figures test) {

        static Metrics of(Scored scored) {
            return new Metrics(
                    scored.validation().figures(),
                    scored.test() == null ? null : scored.test().figures());
        }
    }

    private static void logScore(String set, SetScore scored) {
        log.info(
                "two-stage pipeline: {} pipelineTop1 {} ({} of {} pills; {})",
                set,
                fmt(scored.score().accuracy()),
                scored.score().correct(),
                scored.score().pills(),
                scored.boxes());
        PipelineAnswers answers = scored.answers();
        log.info(
                "two-stage pipeline: {} per pill at the answer threshold: {} of {} answered"
                        + " (coverage {}), precision of the answered {}; unknown drugs: {} of {}"
                        + " detected pills answered not sure ({} pills in all)",
                set,
                answers.answered(),
                answers.pills(),
                fmt(answers.coverage()),
                answers.answeredPrecision() == null
                        ? "undefined"
                        : fmt(answers.answeredPrecision()),
                answers.unknownRejected(),
                answers.unknownDetected(),
                answers.unknownPills());
    }

    /**
     * @param calibration the classifier's temperature (applied to the crops' logits, as the server
     *     does) and answer threshold
     */
    static Scored run(
            RunContext run, StageSample sample, ArtifactManifest.Calibration calibration) {
        var spec = run.config().spec();
        EfficientNetV2Config classifierArchitecture =
                EfficientNetV2Config.of(spec.model().classifier());
        int classifierSize = run.config().imageSize();
        Preprocessing preprocessing =
                classifierArchitecture.flavour().preprocessing(classifierSize);
        DetectorTraining detectorTask = new DetectorTraining(run);
        Device device = Devices.choose(run.config().device());
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
            float scale = (float) (1 / calibration.temperature());
            ComboPipeline.Classifier names =
                    (images, batch) -> {
                        float[] logits =
                                classifier.logits(new Batch(0, images, new long[batch], batch));
                        for (int i = 0; i < logits.length; i++) {
                            logits[i] *= scale;
                        }
                        return logits;
                    };
            SetScore validation =
                    score(
                            pipeline,
                            detector::head,
                            names,
                            sample.combinationVal(),
                            sample.classes(),
                            calibration.threshold());
            SetScore test =
                    testPhotos.isEmpty()
                            ? null
                            : score(
                                    pipeline,
                                    detector::head,
                                    names,
                                    testPhotos,
                                    sample.classes(),
                                    calibration.threshold());
            logScore("validation", validation);
            if (test != null && test.score().pills() == 0) {
                log.warn(
                        "two-stage pipeline: the {} test combination photos hold no pill of this"
                                + " stage's drugs ({}): no test pipelineTop1; a criterion on it"
                                + " reads nothing and the gate is Inconclusive",
                        testPhotos.size(),
                        test.boxes());
            } else if (test != null) {
                logScore("test", test);
            }
            return new Scored(validation, test);
        }
    }

    private static SetScore score(
            ComboPipeline pipeline,
            ComboPipeline.Detector detector,
            ComboPipeline.Classifier classifier,
            List<LabelledImage> photos,
            ClassMap classes,
            double threshold) {
        PipelineTruth truth = new PipelineTruth(classes);
        UnknownDrugs unknown = new UnknownDrugs(classes);
        PipelineAnswers.Tally answers = new PipelineAnswers.Tally(threshold);
        List<List<PipelineAccuracy.TruePill>> truths = new ArrayList<>();
        List<List<ComboPipeline.Pill>> predictions = new ArrayList<>();
        for (LabelledImage photo : photos) {
            RgbImage image;
            try {
                image = ImageDecoder.decode(photo.image(), ImageDecoder.DEFAULT_MAX_PIXELS);
            } catch (ImageDecoder.UnreadableImageException e) {
                log.warn("pipeline evaluation skips {}: {}", photo.image(), e.getMessage());
                continue;
            }
            List<PipelineAccuracy.TruePill> pills = truth.pillsOf(photo);
            List<ComboPipeline.Pill> predicted = pipeline.predict(image, detector, classifier);
            truths.add(pills);
            predictions.add(predicted);
            answers.add(
                    pills,
                    unknown.pillsOf(photo).stream()
                            .map(b -> Box.ofXywh(b.x(), b.y(), b.width(), b.height()))
                            .toList(),
                    predicted);
        }
        return new SetScore(
                PipelineAccuracy.score(truths, predictions), answers.answers(), truth.counts());
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
