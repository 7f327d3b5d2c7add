package io.pillsnap.api.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonMaxSuppressionTest {

    static final Box A = new Box(0, 0, 100, 100);

    @Test
    void keepsTheBestOfOverlappingBoxesAndBoxesThatOverlapLittle() {
        ScoredBox best = new ScoredBox(A, 0.9);
        ScoredBox shifted = new ScoredBox(new Box(5, 5, 105, 105), 0.8); // IoU 0.82 with A
        ScoredBox neighbour = new ScoredBox(new Box(60, 0, 160, 100), 0.7); // IoU 0.25 with A

        List<ScoredBox> kept =
                new NonMaxSuppression(0.25, 0.7, 300).apply(List.of(neighbour, shifted, best));

        assertThat(kept).containsExactly(best, neighbour);
    }

    @Test
    void dropsBoxesBelowTheConfidenceAndStopsAtTheMaximum() {
        List<ScoredBox> boxes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            boxes.add(new ScoredBox(new Box(200 * i, 0, 200 * i + 100, 100), i / 10.0));
        }

        List<ScoredBox> kept = new NonMaxSuppression(0.35, 0.7, 3).apply(boxes);

        assertThat(kept).extracting(ScoredBox::score).containsExactly(0.9, 0.8, 0.7);
        assertThat(new NonMaxSuppression(0.35, 0.7, 300).apply(boxes)).hasSize(6);
    }

    @Test
    void touchingPillsSurviveAtTheDefaultThreshold() {
        // two pills side by side overlapping by a third of their width: IoU 0.2
        ScoredBox left = new ScoredBox(new Box(0, 0, 90, 90), 0.9);
        ScoredBox right = new ScoredBox(new Box(60, 0, 150, 90), 0.85);

        assertThat(NonMaxSuppression.EVALUATION.apply(List.of(left, right))).hasSize(2);
    }

    @Test
    void refusesSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> new NonMaxSuppression(0.1, 0, 10))
                .hasMessageContaining("iou must be in (0, 1]");
        assertThatThrownBy(() -> new NonMaxSuppression(1.5, 0.7, 10))
                .hasMessageContaining("confidence must be in [0, 1]");
    }
}
