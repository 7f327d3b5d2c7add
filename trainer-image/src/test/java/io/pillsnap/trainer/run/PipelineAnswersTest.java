package io.pillsnap.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.api.detection.PipelineAccuracy;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineAnswersTest {

    private static ComboPipeline.Pill pill(Box box, int classIndex, double probability) {
        return new ComboPipeline.Pill(
                box, 0.9, List.of(new ComboPipeline.Ranked(classIndex, probability)));
    }

    @Test
    void eachPillIsAnsweredByItsDetectionsCalibratedConfidence() {
        Box a = new Box(0, 0, 10, 10);
        Box b = new Box(20, 0, 30, 10);
        Box c = new Box(40, 0, 50, 10);
        Box missed = new Box(60, 0, 70, 10);
        Box unknownSure = new Box(0, 20, 10, 30);
        Box unknownUnsure = new Box(20, 20, 30, 30);
        Box unknownMissed = new Box(40, 20, 50, 30);
        List<PipelineAccuracy.TruePill> known =
                List.of(
                        new PipelineAccuracy.TruePill(a, 1),
                        new PipelineAccuracy.TruePill(b, 2),
                        new PipelineAccuracy.TruePill(c, 3),
                        new PipelineAccuracy.TruePill(missed, 4));
        List<ComboPipeline.Pill> predicted =
                List.of(
                        pill(a, 1, 0.95), // answered, right
                        pill(b, 0, 0.90), // answered, wrong
                        pill(c, 3, 0.50), // right but not sure
                        pill(unknownSure, 2, 0.85), // an unknown drug named: not rejected
                        pill(unknownUnsure, 2, 0.40)); // an unknown drug: not sure
        PipelineAnswers.Tally tally = new PipelineAnswers.Tally(0.8);
        tally.add(known, List.of(unknownSure, unknownUnsure, unknownMissed), predicted);

        PipelineAnswers answers = tally.answers();

        // 4 pills, 2 answered (a, b), 1 of them right; of 3 unknown pills 2 detected, 1 not sure
        assertThat(answers.pills()).isEqualTo(4);
        assertThat(answers.answered()).isEqualTo(2);
        assertThat(answers.correctAnswered()).isEqualTo(1);
        assertThat(answers.coverage()).isEqualTo(0.5);
        assertThat(answers.answeredPrecision()).isEqualTo(0.5);
        assertThat(answers.unknownPills()).isEqualTo(3);
        assertThat(answers.unknownDetected()).isEqualTo(2);
        assertThat(answers.unknownRejected()).isEqualTo(1);
        assertThat(answers.unknownRejection()).isEqualTo(0.5);
    }

    @Test
    void nothingAnsweredLeavesThePrecisionUndefined() {
        Box a = new Box(0, 0, 10, 10);
        PipelineAnswers.Tally tally = new PipelineAnswers.Tally(Math.nextUp(1.0));
        tally.add(
                List.of(new PipelineAccuracy.TruePill(a, 1)), List.of(), List.of(pill(a, 1, 1.0)));

        PipelineAnswers answers = tally.answers();

        assertThat(answers.answered()).isZero();
        assertThat(answers.answeredPrecision()).isNull();
        assertThat(answers.unknownRejection()).isNull();
    }
}
