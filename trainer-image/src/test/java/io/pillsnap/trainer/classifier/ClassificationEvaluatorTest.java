package io.pillsnap.trainer.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.report.Evaluation;
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
    void recordsEachImagesTruthAndTopPredictionInEvaluationOrderAcrossBatches() {
        // 2 classes, two batches of two; the third image (class 1) is mistaken for class 0
        Batch first = new Batch(0, new float[0], new long[] {0, 1}, 2);
        Batch second = new Batch(1, new float[0], new long[] {1, 0}, 2);
        float[] firstLogits = {3, 1, 0, 2};
        float[] secondLogits = {4, 1, 2, 0};

        Evaluation evaluation =
                ClassificationEvaluator.evaluate(
                        List.of(first, second).iterator(),
                        b -> b == first ? firstLogits : secondLogits,
                        2);

        assertThat(evaluation.labels()).containsExactly(0, 1, 1, 0);
        assertThat(evaluation.predictions()).containsExactly(0, 1, 0, 0);
    }

    @Test
    void keepsThePredictionOfEveryImageOfALargeEvaluation() {
        // more images than the arrays start with; every third image is predicted as class 1
        int images = 3_000;
        long[] labels = new long[images];
        float[] logits = new float[images * 2];
        for (int i = 0; i < images; i++) {
            logits[i * 2 + (i % 3 == 0 ? 1 : 0)] = 1;
        }
        Batch batch = new Batch(0, new float[0], labels, images);

        Evaluation evaluation =
                ClassificationEvaluator.evaluate(List.of(batch).iterator(), b -> logits, 2);

        assertThat(evaluation.predictions()).hasSize(images);
        assertThat(evaluation.labels()).hasSize(images).containsOnly(0);
        assertThat(evaluation.predictions()[2_997]).isEqualTo(1);
        assertThat(evaluation.predictions()[2_998]).isZero();
    }

    @Test
    void topKBreaksTiesByLowerIndex() {
        assertThat(ClassificationEvaluator.topK(new float[] {1, 3, 3, 2}, 0, 4, 3))
                .containsExactly(1, 2, 3);
    }
}
