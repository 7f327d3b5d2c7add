package io.pillsnap.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OnnxClassifierTest {

    @Test
    void softmaxGivesProbabilitiesThatSumToOneEvenForLargeLogits() {
        double[] p = OnnxClassifier.softmax(new float[] {1000f, 999f, -1000f}, 0, 3, 1.0);

        assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(p[0]).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-9));
        assertThat(p[2]).isZero();
    }

    @Test
    void theTemperatureDividesTheLogitsBeforeTheSoftmax() {
        // the row (2, 0, 0) at offset 3 of a batch: at T = 1 the first class has
        // e^2 / (e^2 + 2) = 7.3891 / 9.3891 = 0.78699, the others 1 / 9.3891 = 0.10651; at T = 2
        // the logits are (1, 0, 0): e / (e + 2) = 2.7183 / 4.7183 = 0.57612 and 0.21194; at
        // T = 0.5 they are (4, 0, 0): 54.598 / 56.598 = 0.96466 and 0.01767
        float[] batch = {5f, -5f, 0f, 2f, 0f, 0f};

        assertThat(OnnxClassifier.softmax(batch, 3, 3, 1.0))
                .containsExactly(new double[] {0.78699, 0.10651, 0.10651}, within(1e-5));
        assertThat(OnnxClassifier.softmax(batch, 3, 3, 2.0))
                .containsExactly(new double[] {0.57612, 0.21194, 0.21194}, within(1e-5));
        assertThat(OnnxClassifier.softmax(batch, 3, 3, 0.5))
                .containsExactly(new double[] {0.96466, 0.01767, 0.01767}, within(1e-5));
    }

    @Test
    void topKOrdersByProbabilityAndKeepsTheLowerIndexOnTies() {
        var top = OnnxClassifier.top(new double[] {0.1, 0.3, 0.3, 0.2, 0.1}, 3);

        assertThat(top)
                .containsExactly(
                        new ClassScore(1, 0.3), new ClassScore(2, 0.3), new ClassScore(3, 0.2));
    }
}
