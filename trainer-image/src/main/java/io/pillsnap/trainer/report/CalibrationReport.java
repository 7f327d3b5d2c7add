package io.pillsnap.trainer.report;

import io.pillsnap.trainer.calibration.AnswerSummary;
import io.pillsnap.trainer.calibration.Reliability;
import io.pillsnap.trainer.calibration.RiskCoveragePoint;
import io.pillsnap.trainer.calibration.UnknownSeparation;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The report's section on what the classifier's confidence means: the reliability diagram before
 * and after the temperature, the risk-coverage curve with the chosen threshold, and the confidence
 * of known against unknown drugs, as PNGs beside index.html and TensorBoard images.
 */
public final class CalibrationReport {

    /**
     * The figures of the section.
     *
     * @param setName the set the reliability and the answers are shown for (the gate's)
     * @param riskCoverage validation's curve, where the threshold was chosen
     * @param known the known test photos' calibrated confidences; null without unknowns
     * @param unknown the unknown test photos' calibrated confidences; null without unknowns
     */
    public record Figures(
            double temperature,
            double answerPrecision,
            double threshold,
            String setName,
            Reliability before,
            Reliability after,
            AnswerSummary answers,
            List<RiskCoveragePoint> riskCoverage,
            double[] known,
            double[] unknown,
            UnknownSeparation separation) {}

    private CalibrationReport() {}

    /** Writes the pictures and returns the section's HTML. */
    static String write(Path folder, Figures figures, TensorBoardWriter board, long step) {
        StringBuilder html = new StringBuilder();
        html.append(
                        "<section class=\"calibration\">\n<h2>Confidence and \"not sure\" answers</h2>\n")
                .append("<p>")
                .append(
                        String.format(
                                Locale.ROOT,
                                "Probabilities are softmax(logits / %.3f), the temperature fitted"
                                        + " on the validation split. A drug is named only at a"
                                        + " calibrated confidence of at least %s, the lowest"
                                        + " threshold whose answered validation photos reach a"
                                        + " precision of %.3f; below it the answer is \"not"
                                        + " sure\". On the %s set: ECE %.4f before, %.4f after;"
                                        + " %d of %d photos answered (coverage %.4f), precision"
                                        + " of the answered %s.",
                                figures.temperature(),
                                figures.threshold() > 1
                                        ? "above 1 (none reaches it: nothing is answered)"
                                        : String.format(Locale.ROOT, "%.4f", figures.threshold()),
                                figures.answerPrecision(),
                                ReportPage.escape(figures.setName()),
                                figures.before().ece(),
                                figures.after().ece(),
                                figures.answers().answered(),
                                figures.answers().images(),
                                figures.answers().coverage(),
                                figures.answers().answeredPrecision() == null
                                        ? "undefined"
                                        : String.format(
                                                Locale.ROOT,
                                                "%.4f",
                                                figures.answers().answeredPrecision())))
                .append("</p>\n");
        if (figures.separation() != null) {
            UnknownSeparation separation = figures.separation();
            html.append("<p>")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "Drugs the stage never trained on: %d unknown against %d"
                                            + " known test photos, AUROC %.4f by calibrated"
                                            + " confidence; %.1f%% of the unknowns answered \"not"
                                            + " sure\", %.1f%% of the known answered.",
                                    separation.unknown(),
                                    separation.known(),
                                    separation.auroc(),
                                    100 * separation.unknownRejection(),
                                    100 * separation.knownAnswered()))
                    .append("</p>\n");
        }
        html.append("<div class=\"pictures\">\n");
        picture(
                html,
                folder,
                board,
                step,
                "reliability",
                "Reliability diagram: accuracy against confidence, before and after the"
                        + " temperature",
                ReliabilityPicture.draw(figures.before(), figures.after(), figures.temperature()));
        picture(
                html,
                folder,
                board,
                step,
                "risk-coverage",
                "Risk-coverage curve of the validation split, the chosen threshold marked",
                RiskCoveragePicture.draw(
                        figures.riskCoverage(), figures.threshold(), figures.answerPrecision()));
        if (figures.separation() != null) {
            picture(
                    html,
                    folder,
                    board,
                    step,
                    "unknown-confidence",
                    "Calibrated confidence of known and unknown drugs' test photos",
                    ConfidenceHistogramPicture.draw(
                            figures.known(), figures.unknown(), figures.threshold()));
        }
        return html.append("</div>\n</section>\n").toString();
    }

    private static void picture(
            StringBuilder html,
            Path folder,
            TensorBoardWriter board,
            long step,
            String name,
            String caption,
            PngPicture picture) {
        String file = "calibration-" + name + ".png";
        EvaluationReport.writeFile(folder.resolve(file), picture.png());
        if (board != null) {
            board.image(
                    "report/calibration_" + name.replace('-', '_'),
                    picture.png(),
                    picture.width(),
                    picture.height(),
                    step);
        }
        html.append("<figure><img src=\"")
                .append(ReportPage.escape(file))
                .append("\" width=\"")
                .append(picture.width())
                .append("\" height=\"")
                .append(picture.height())
                .append("\" alt=\"")
                .append(ReportPage.escape(caption))
                .append("\"><figcaption>")
                .append(ReportPage.escape(caption))
                .append("</figcaption></figure>\n");
    }
}
