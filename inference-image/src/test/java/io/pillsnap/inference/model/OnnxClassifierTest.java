package io.pillsnap.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OnnxClassifierTest {

    @Test
    void softmaxGivesProbabilitiesThatSumToOneEvenForLargeLogits() {
        double[] p = OnnxClassifier.softmax(new float[] {1000f, 999f, -1000f});

        assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(p[0]).isCloseTo(1 / (1 + Math.exp(-1)), within(1e-9));
        assertThat(p[2]).isZero();
    }

    @Test
    void topKOrdersByProbabilityAndKeepsTheLowerIndexOnTies() {
        var top = OnnxClassifier.top(new double[] {0.1, 0.3, 0.3, 0.2, 0.1}, 3);

        assertThat(top)
                .containsExactly(
                        new ClassScore(1, 0.3), new ClassScore(2, 0.3), new ClassScore(3, 0.2));
    }
}
