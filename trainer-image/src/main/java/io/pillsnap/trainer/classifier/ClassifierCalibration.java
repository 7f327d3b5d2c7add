package io.pillsnap.trainer.classifier;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.trainer.calibration.AnswerSummary;
import io.pillsnap.trainer.calibration.AnswerThreshold;
import io.pillsnap.trainer.calibration.Answers;
import io.pillsnap.trainer.calibration.CalibrationError;
import io.pillsnap.trainer.calibration.ClassRecall;
import io.pillsnap.trainer.calibration.Reliability;
import io.pillsnap.trainer.calibration.RiskCoveragePoint;
import io.pillsnap.trainer.calibration.TemperatureFit;
import io.pillsnap.trainer.calibration.TemperatureScaling;
import io.pillsnap.trainer.calibration.UnknownSeparation;
import io.pillsnap.trainer.calibration.WorstClassRecall;
import io.pillsnap.trainer.report.Evaluation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the classifier's confidence means, measured after training: one temperature fitted on the
 * validation split, the answer threshold chosen there for the stage's answer precision, and both
 * measured once on the test set, with the photos of drugs outside the stage (unknowns).
 *
 * @param answerPrecision spec.serving.answerPrecision: what the answered photos must reach
 * @param threshold the lowest calibrated confidence reaching it on validation
 * @param validation the split the temperature and threshold were chosen on
 * @param test the test set's known photos; null without a test set
 * @param unknown known against unknown test photos; null without unknown photos
 * @param riskCoverage validation's error of the answered photos at every threshold
 */
public record ClassifierCalibration(
        TemperatureFit fit,
        double answerPrecision,
        double threshold,
        SetCalibration validation,
        SetCalibration test,
        UnknownSeparation unknown,
        @JsonIgnore List<RiskCoveragePoint> riskCoverage,
        @JsonIgnore double[] knownConfidence,
        @JsonIgnore double[] unknownConfidence) {

    /**
     * One set under the temperature.
     *
     * @param photos the photos measured: all, or every {@code stride}-th (see {@link KeptLogits})
     * @param before the reliability of the raw softmax (temperature 1)
     * @param after the reliability of the calibrated softmax
     * @param answers the set at the threshold
     * @param worstClass the class with the lowest recall over all the set's photos
     */
    public record SetCalibration(
            int photos,
            int stride,
            Reliability before,
            Reliability after,
            AnswerSummary answers,
            ClassRecall worstClass) {

        /** Its gate metrics under their contract keys; answered precision only when answered. */
        public Map<String, Double> metrics() {
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put(Metric.ECE.key(), after.ece());
            metrics.put(Metric.COVERAGE.key(), answers.coverage());
            if (answers.answeredPrecision() != null) {
                metrics.put(Metric.ANSWERED_PRECISION.key(), answers.answeredPrecision());
            }
            metrics.put(Metric.WORST_CLASS_RECALL.key(), worstClass.recall());
            return metrics;
        }
    }

    /**
     * Fits the temperature and the threshold on validation and measures the test set with them.
     *
     * @param test the test set's known photos (null: none) with their evaluation
     * @param unknown the logits of the unknown test photos; null or empty for none
     */
    public static ClassifierCalibration measure(
            KeptLogits validation,
            Evaluation validationScores,
            KeptLogits test,
            Evaluation testScores,
            KeptLogits unknown,
            double answerPrecision) {
        TemperatureFit fit = TemperatureScaling.fit(validation.logits(), validation.labels());
        double temperature = fit.temperature();
        Answers validationAnswers =
                Answers.of(validation.logits(), validation.labels(), temperature);
        double threshold = AnswerThreshold.choose(validationAnswers, answerPrecision);
        SetCalibration validationSet = set(validation, validationScores, fit, threshold);
        SetCalibration testSet =
                test == null || test.kept() == 0 ? null : set(test, testScores, fit, threshold);
        double[] known = null;
        double[] unknownConfidence = null;
        UnknownSeparation separation = null;
        if (testSet != null && unknown != null && unknown.kept() > 0) {
            known = TemperatureScaling.topConfidences(test.logits(), temperature);
            unknownConfidence = TemperatureScaling.topConfidences(unknown.logits(), temperature);
            separation = UnknownSeparation.measure(known, unknownConfidence, threshold);
        }
        return new ClassifierCalibration(
                fit,
                answerPrecision,
                threshold,
                validationSet,
                testSet,
                separation,
                AnswerThreshold.riskCoverage(validationAnswers),
                known,
                unknownConfidence);
    }

    private static SetCalibration set(
            KeptLogits kept, Evaluation scores, TemperatureFit fit, double threshold) {
        Answers after = Answers.of(kept.logits(), kept.labels(), fit.temperature());
        return new SetCalibration(
                kept.kept(),
                kept.stride(),
                CalibrationError.measure(Answers.of(kept.logits(), kept.labels(), 1.0)),
                CalibrationError.measure(after),
                AnswerThreshold.at(after, threshold),
                WorstClassRecall.of(
                        scores.labels(), scores.predictions(), scores.perClass().size()));
    }

    /** What the inference server reads from manifest.json. */
    public ArtifactManifest.Calibration manifest() {
        return new ArtifactManifest.Calibration(fit.temperature(), answerPrecision, threshold);
    }

    /** The set the gate reads: the test set when there is one. */
    @JsonIgnore
    public SetCalibration gateSet() {
        return test != null ? test : validation;
    }

    /** The test set's gate metrics with the unknowns' rejection; empty without a test set. */
    public Map<String, Double> testMetrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (test != null) {
            metrics.putAll(test.metrics());
        }
        if (unknown != null) {
            metrics.put(Metric.UNKNOWN_REJECTION.key(), unknown.unknownRejection());
        }
        return metrics;
    }

    /** The log lines of the calibration, one per set. */
    public List<String> describe() {
        String head =
                String.format(
                        Locale.ROOT,
                        "calibration: temperature %.3f (validation NLL %.4f -> %.4f); answer"
                                + " threshold %s for precision %.3f",
                        fit.temperature(),
                        fit.nllBefore(),
                        fit.nllAfter(),
                        threshold > 1
                                ? "above 1 (no threshold reaches it: nothing answered)"
                                : String.format(Locale.ROOT, "%.4f", threshold),
                        answerPrecision);
        List<String> lines = new java.util.ArrayList<>(List.of(head));
        lines.add(describe("validation", validation));
        if (test != null) {
            lines.add(describe("test", test));
        }
        if (unknown != null) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "calibration, unknown drugs: %d unknown against %d known test photos:"
                                    + " AUROC %.4f, %.1f%% of unknowns answered not sure, %.1f%%"
                                    + " of known answered",
                            unknown.unknown(),
                            unknown.known(),
                            unknown.auroc(),
                            100 * unknown.unknownRejection(),
                            100 * unknown.knownAnswered()));
        }
        return lines;
    }

    private static String describe(String name, SetCalibration set) {
        AnswerSummary answers = set.answers();
        return String.format(
                Locale.ROOT,
                "calibration, %s (%d photos%s): ECE %.4f -> %.4f; %d answered (coverage %.4f),"
                        + " precision of the answered %s; worst class recall %.4f (class %d, %d"
                        + " photos)",
                name,
                set.photos(),
                set.stride() > 1 ? ", every " + set.stride() + "th" : "",
                set.before().ece(),
                set.after().ece(),
                answers.answered(),
                answers.coverage(),
                answers.answeredPrecision() == null
                        ? "undefined (nothing answered)"
                        : String.format(Locale.ROOT, "%.4f", answers.answeredPrecision()),
                set.worstClass().recall(),
                set.worstClass().classIndex(),
                set.worstClass().support());
    }
}
