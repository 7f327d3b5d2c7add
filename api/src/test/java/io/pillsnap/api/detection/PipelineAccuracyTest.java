package io.pillsnap.api.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineAccuracyTest {

    static final Box A = new Box(0, 0, 10, 10);
    static final Box B = new Box(20, 0, 30, 10);
    static final Box C = new Box(40, 0, 50, 10);

    @Test
    void countsPillsDetectedAndNamedRightAmongAllTruePills() {
        List<PipelineAccuracy.TruePill> truth =
                List.of(
                        new PipelineAccuracy.TruePill(A, 1),
                        new PipelineAccuracy.TruePill(B, 2),
                        new PipelineAccuracy.TruePill(C, 3));
        List<ComboPipeline.Pill> predicted =
                List.of(
                        pill(A, 0.9, 1), // right
                        pill(new Box(20, 0, 29, 10), 0.8, 5), // found, named wrong
                        pill(new Box(100, 100, 110, 110), 0.7, 3)); // nothing there; C missed

        PipelineAccuracy.Score score = PipelineAccuracy.score(List.of(truth), List.of(predicted));

        assertThat(score.correct()).isEqualTo(1);
        assertThat(score.pills()).isEqualTo(3);
        assertThat(score.accuracy()).isEqualTo(1 / 3.0);
    }

    @Test
    void aPillIsMatchedOnceAndABoxBelowIou05DoesNotCount() {
        List<PipelineAccuracy.TruePill> truth = List.of(new PipelineAccuracy.TruePill(A, 1));
        // a duplicate of the right box cannot count twice; a box at IoU 0.25 does not count
        List<ComboPipeline.Pill> duplicates = List.of(pill(A, 0.9, 1), pill(A, 0.8, 1));
        List<ComboPipeline.Pill> loose = List.of(pill(new Box(0, 0, 10, 40), 0.9, 1));

        assertThat(PipelineAccuracy.score(List.of(truth), List.of(duplicates)).correct())
                .isEqualTo(1);
        assertThat(PipelineAccuracy.score(List.of(truth), List.of(loose)).correct()).isZero();
        assertThat(PipelineAccuracy.score(List.of(List.of()), List.of(loose)).accuracy()).isNaN();
    }

    private static ComboPipeline.Pill pill(Box box, double confidence, int classIndex) {
        return new ComboPipeline.Pill(
                box, confidence, List.of(new ComboPipeline.Ranked(classIndex, 0.9)));
    }
}
