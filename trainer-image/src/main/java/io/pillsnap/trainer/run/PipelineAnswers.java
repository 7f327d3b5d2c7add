package io.pillsnap.trainer.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.api.detection.PipelineAccuracy;
import java.util.List;

/**
 * The two-stage pipeline's "not sure" answers per pill, at the classifier's calibrated threshold:
 * of the stage's pills, how many were detected and named (answered) and how often rightly; of the
 * pills of drugs outside the stage (unknowns) that were detected, how many were answered "not
 * sure".
 *
 * @param pills the stage's true pills
 * @param answered of them, detected with a crop confidence at or above the threshold
 * @param coverage {@code answered / pills}
 * @param answeredPrecision right names among the answered; null when none is answered
 * @param unknownPills true pills of other drugs
 * @param unknownDetected of them, detected (a box at IoU >= 0.5)
 * @param unknownRejection of the detected unknown pills, the share answered "not sure"; null when
 *     none was detected
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PipelineAnswers(
        int pills,
        int answered,
        int correctAnswered,
        double coverage,
        Double answeredPrecision,
        int unknownPills,
        int unknownDetected,
        int unknownRejected,
        Double unknownRejection) {

    /** Counts one photo's pills into running totals. */
    static final class Tally {
        private final double threshold;
        private int pills;
        private int answered;
        private int correctAnswered;
        private int unknownPills;
        private int unknownDetected;
        private int unknownRejected;

        Tally(double threshold) {
            this.threshold = threshold;
        }

        void add(
                List<PipelineAccuracy.TruePill> known,
                List<Box> unknown,
                List<ComboPipeline.Pill> predicted) {
            ComboPipeline.Pill[] matched = PipelineAccuracy.match(known, predicted);
            for (int t = 0; t < known.size(); t++) {
                pills++;
                if (matched[t] != null && confidence(matched[t]) >= threshold) {
                    answered++;
                    if (PipelineAccuracy.namedRight(matched[t], known.get(t).classIndex())) {
                        correctAnswered++;
                    }
                }
            }
            List<PipelineAccuracy.TruePill> others =
                    unknown.stream().map(box -> new PipelineAccuracy.TruePill(box, -1)).toList();
            for (ComboPipeline.Pill pill : PipelineAccuracy.match(others, predicted)) {
                unknownPills++;
                if (pill != null) {
                    unknownDetected++;
                    if (confidence(pill) < threshold) {
                        unknownRejected++;
                    }
                }
            }
        }

        private static double confidence(ComboPipeline.Pill pill) {
            return pill.top().isEmpty() ? 0 : pill.top().get(0).probability();
        }

        PipelineAnswers answers() {
            return new PipelineAnswers(
                    pills,
                    answered,
                    correctAnswered,
                    pills == 0 ? 0 : (double) answered / pills,
                    answered == 0 ? null : (double) correctAnswered / answered,
                    unknownPills,
                    unknownDetected,
                    unknownRejected,
                    unknownDetected == 0 ? null : (double) unknownRejected / unknownDetected);
        }
    }
}
