package io.pillsnap.trainer.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AnswersTest {

    @Test
    void eachImageGetsItsCalibratedTopConfidenceAndWhetherItsTopClassIsTheLabel() {
        float ln4 = (float) Math.log(4);
        // image 0: top class 0, label 0, right; at T = 2 softmax (2, 1, 1) / 4, top 0.5
        // image 1: top class 2, label 0, wrong; same confidence 0.5
        // image 2: a drug the stage does not know (label -1) is never right
        // image 3: logits (1, 1, 0) tie: the lowest index, class 0, is the answer, label 1 wrong
        //   softmax at T = 2: (e^0.5, e^0.5, 1) / (2 e^0.5 + 1)
        Logits logits = new Logits(new float[] {ln4, 0, 0, 0, 0, ln4, ln4, 0, 0, 1, 1, 0}, 3);

        Answers answers = Answers.of(logits, new int[] {0, 0, -1, 1}, 2);

        assertThat(answers.correct()).containsExactly(true, false, false, false);
        double tie = Math.exp(0.5) / (2 * Math.exp(0.5) + 1);
        assertThat(answers.confidence())
                .containsExactly(new double[] {0.5, 0.5, 0.5, tie}, within(1e-7));
    }
}
