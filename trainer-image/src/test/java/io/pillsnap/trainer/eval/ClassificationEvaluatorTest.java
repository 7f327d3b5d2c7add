package io.pillsnap.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.trainer.data.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassificationEvaluatorTest {

    @Test
    void computesTopKAndMacroF1AsSklearnDoes() {
        // 3 classes; truths 0,0,1,2; predictions (argmax) 0,1,1,1; class 2 second best for the last
        float[] logits = {
            5, 1, 0,
            1, 5, 0,
            0, 5, 1,
            0, 5, 4
        };
        Batch batch = new Batch(0, new float[0], new long[] {0, 0, 1, 2}, 4);

        Evaluation evaluation =
                ClassificationEvaluator.evaluate(List.of(batch).iterator(), b -> logits, 3);

        assertThat(evaluation.top1()).isEqualTo(0.5);
        assertThat(evaluation.top5()).isEqualTo(1.0);
        // class 0: P 1, R 0.5, F1 0.667; class 1: P 1/3, R 1, F1 0.5; class 2: F1 0
        assertThat(evaluation.macroF1()).isCloseTo((2.0 / 3 + 0.5 + 0) / 3, within(1e-9));
        assertThat(evaluation.perClass().get(1).precision()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(evaluation.confusion())
                .anySatisfy(cell -> assertThat(cell).containsExactly(2, 1, 1));
    }

    @Test
    void topKBreaksTiesByLowerIndex() {
        assertThat(ClassificationEvaluator.topK(new float[] {1, 3, 3, 2}, 0, 4, 3))
                .containsExactly(1, 2, 3);
    }
}
