package io.pillsnap.api.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadDecoderTest {

    static final int SIZE = 64; // anchors: 8x8 + 4x4 + 2x2 = 84

    @Test
    void decodesTheDistanceDistributionsAroundTheAnchorCentre() {
        int anchors = HeadDecoder.anchors(SIZE);
        assertThat(anchors).isEqualTo(84);
        float[] head = new float[(64 + 1) * anchors];
        Arrays.fill(head, 64 * anchors, head.length, -20f); // every class logit: nothing there
        // anchor 8 * 8 + 5 is the stride-16 cell (x 1, y 1): centre (24, 24)
        int anchor = 64 + 5;
        head[64 * anchors + anchor] = 2f; // sigmoid 0.881
        int[] bins = {1, 2, 3, 4}; // left 1, top 2, right 3, bottom 4 cells, all mass on one bin
        for (int side = 0; side < 4; side++) {
            head[(side * 16 + bins[side]) * anchors + anchor] = 50f;
        }

        List<ScoredBox> boxes = HeadDecoder.decode(head, 0, SIZE, 1, 0.25);

        assertThat(boxes).hasSize(1);
        Box box = boxes.get(0).box();
        assertThat(box.x1()).isCloseTo(24 - 16, within(1e-6));
        assertThat(box.y1()).isCloseTo(24 - 32, within(1e-6));
        assertThat(box.x2()).isCloseTo(24 + 48, within(1e-6));
        assertThat(box.y2()).isCloseTo(24 + 64, within(1e-6));
        assertThat(boxes.get(0).score()).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-9));
    }

    @Test
    void aFlatDistributionMeansSevenAndAHalfCells() {
        int anchors = HeadDecoder.anchors(SIZE);
        float[] head = new float[(64 + 2) * anchors]; // all logits 0: class score 0.5
        List<ScoredBox> boxes = HeadDecoder.decode(head, 0, SIZE, 2, 0.5);

        assertThat(boxes).hasSize(anchors);
        // the first anchor: centre (4, 4), every side 7.5 cells of 8 pixels
        assertThat(boxes.get(0).box()).isEqualTo(new Box(4 - 60, 4 - 60, 4 + 60, 4 + 60));
    }
}
