package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The assigner against values measured with the reference implementation (Ultralytics 8.3). */
class TaskAlignedAssignerTest {

    @Test
    void completeIouMatchesTheReference() {
        assertThat(CompleteIou.of(new double[] {0, 0, 10, 10}, new double[] {5, 5, 15, 15}))
                .isCloseTo(0.03174604, within(1e-7));
        assertThat(CompleteIou.of(new double[] {0, 0, 10, 10}, new double[] {2, 1, 12, 21}))
                .isCloseTo(0.24498923, within(1e-7));
    }

    @Test
    void assignsTheRightAnchorsWithTheReferencesTargetScores() {
        // a 4 x 4 grid at stride 8 (anchor centres 4, 12, 20, 28), anchor a = row * 4 + column;
        // 3 classes, predicted probability of class c at anchor a: ((7a + 3c) mod 10 + 1) / 11;
        // predicted box: a square of half side 6 + (a mod 3) around the anchor
        int classes = 3;
        double[][] anchors = new double[16][];
        double[][] predicted = new double[16][];
        float[] scores = new float[16 * classes];
        for (int a = 0; a < 16; a++) {
            double x = 4 + 8 * (a % 4);
            double y = 4 + 8 * (a / 4);
            anchors[a] = new double[] {x, y};
            double half = 6 + a % 3;
            predicted[a] = new double[] {x - half, y - half, x + half, y + half};
            for (int c = 0; c < classes; c++) {
                scores[a * classes + c] = (float) (((7 * a + 3 * c) % 10 + 1) / 11.0);
            }
        }
        int[] labels = {0, 2};
        double[][] truths = {{2, 2, 18, 20}, {10, 12, 31, 30}};

        Assignment assignment =
                TaskAlignedAssigner.assign(anchors, scores, predicted, classes, labels, truths);

        // measured with the reference: anchors 0, 1, 4, 5 learn box 0; 9, 10, 11, 13, 14, 15 box 1
        Map<Integer, Double> expected =
                Map.of(
                        0, 5.67486e-07,
                        1, 0.00195044,
                        4, 0.00603028,
                        5, 0.692277,
                        9, 0.000342679,
                        10, 0.516873,
                        11, 0.0250617,
                        13, 1.93076e-06,
                        14, 0.0133802,
                        15, 7.24792e-07);
        for (int a = 0; a < 16; a++) {
            assertThat(assignment.foreground()[a])
                    .as("anchor " + a)
                    .isEqualTo(expected.containsKey(a));
            if (expected.containsKey(a)) {
                int box = a < 8 && a != 6 && a != 7 ? 0 : 1;
                assertThat(assignment.truth()[a]).as("box of anchor " + a).isEqualTo(box);
                float target = assignment.scores()[a * classes + labels[box]];
                assertThat((double) target)
                        .as("target of anchor " + a)
                        .isCloseTo(expected.get(a), within(expected.get(a) * 1e-4 + 1e-9));
            }
        }
        assertThat(assignment.scoreSum()).isCloseTo(1.2559187, within(1e-5));
    }

    @Test
    void anImageWithoutBoxesIsAllBackground() {
        Assignment assignment =
                TaskAlignedAssigner.assign(
                        new double[][] {{4, 4}},
                        new float[] {0.9f},
                        new double[][] {{0, 0, 8, 8}},
                        1,
                        new int[0],
                        new double[0][]);

        assertThat(assignment.foregroundCount()).isZero();
        assertThat(assignment.scoreSum()).isZero();
    }
}
