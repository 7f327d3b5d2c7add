package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ScoredBox;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.ImageBoxes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COCO's AP on hand-worked cases; each expected value is derived in the comments. */
class DetectionEvaluatorTest {

    static final Box A = new Box(0, 0, 100, 100);
    static final Box B = new Box(200, 200, 300, 300);
    static final Box C = new Box(400, 0, 500, 100);

    @Test
    void perfectDetectionsScoreOne() {
        DetectionMetrics m =
                evaluate(
                        image(List.of(A, B), hit(A, 0.9), hit(B, 0.8)),
                        image(List.of(C), hit(C, 0.7)));

        assertThat(m.mAP50()).isEqualTo(1.0);
        assertThat(m.mAP50to95()).isEqualTo(1.0);
        assertThat(m.precision()).isEqualTo(1.0);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.bestF1Confidence()).isEqualTo(0.7);
    }

    @Test
    void oneMissedBoxCapsRecallAtHalf() {
        // recall reaches 0.5 at precision 1: the 51 recall points 0.00..0.50 read 1, the other
        // 50 read 0, so AP = 51 / 101
        DetectionMetrics m = evaluate(image(List.of(A, B), hit(A, 0.9)));

        assertThat(m.mAP50()).isCloseTo(51.0 / 101, within(1e-12));
        assertThat(m.recall()).isEqualTo(0.5);
        assertThat(m.precision()).isEqualTo(1.0);
    }

    @Test
    void aDuplicateBoxIsAFalsePositive() {
        // ranks: A (TP, P 1, R .5), A again (FP, P .5, R .5), B (TP, P 2/3, R 1); the envelope is
        // 1, 2/3, 2/3: recall points 0..0.50 (51) read 1, 0.51..1.00 (50) read 2/3
        // AP = (51 + 50 * 2/3) / 101
        DetectionMetrics m = evaluate(image(List.of(A, B), hit(A, 0.9), hit(A, 0.8), hit(B, 0.7)));

        assertThat(m.mAP50()).isCloseTo((51 + 50 * 2.0 / 3) / 101, within(1e-12));
        assertThat(m.detections()).isEqualTo(3);
    }

    @Test
    void aBoxAtIou055CountsAt050And055ButNotAbove() {
        // the detection covers the top 55 of A's 100 rows: IoU 5500 / 10000 = 0.55 exactly, so it
        // matches at thresholds 0.50 and 0.55 and misses at 0.60..0.95: mAP50-95 = 2 / 10
        Box top = new Box(0, 0, 100, 55);
        assertThat(top.iou(A)).isEqualTo(0.55);

        DetectionMetrics m = evaluate(image(List.of(A), new ScoredBox(top, 0.9)));

        assertThat(m.mAP50()).isEqualTo(1.0);
        assertThat(m.mAP50to95()).isCloseTo(0.2, within(1e-12));
    }

    @Test
    void photosWithoutTrueBoxesOnlyAddFalsePositives() {
        // the empty photo's box ranks first: FP (P 0, R 0), then A (TP, P .5, R 1); the envelope
        // is .5, .5 and every recall point reads .5; a photo with nothing in it changes nothing
        DetectionMetrics m =
                evaluate(
                        image(List.of(A), hit(A, 0.8)),
                        image(List.of(), hit(B, 0.9)),
                        image(List.of()));

        assertThat(m.mAP50()).isCloseTo(0.5, within(1e-12));
        assertThat(m.truths()).isEqualTo(1);
        assertThat(m.images()).isEqualTo(3);
    }

    @Test
    void withoutAnyTrueBoxTheMetricIsUndefined() {
        DetectionMetrics m = evaluate(image(List.of(), hit(B, 0.9)));

        assertThat(m.mAP50()).isNaN();
        assertThat(m.mAP50to95()).isNaN();
    }

    @Test
    void interpolatesPrecisionAtTheHundredAndOneRecallPoints() {
        // 3 true boxes, 5 detections in score order TP FP TP FP TP:
        //   precision 1, 1/2, 2/3, 1/2, 3/5; recall 1/3, 1/3, 2/3, 2/3, 1
        //   envelope (max to the right) 1, 2/3, 2/3, 3/5, 3/5
        // recall points 0.00..0.33 (34) first reach recall 1/3 at rank 1: precision 1
        //               0.34..0.66 (33) first reach 2/3 at rank 3: 2/3
        //               0.67..1.00 (34) first reach 1 at rank 5: 3/5
        // AP = (34 * 1 + 33 * 2/3 + 34 * 3/5) / 101 = (34 + 22 + 20.4) / 101 = 76.4 / 101
        Box d = new Box(600, 600, 700, 700);
        Box e = new Box(800, 800, 900, 900);
        DetectionMetrics m =
                evaluate(
                        image(
                                List.of(A, B, C),
                                hit(A, 0.9),
                                hit(d, 0.8),
                                hit(B, 0.7),
                                hit(e, 0.6),
                                hit(C, 0.5)));

        assertThat(m.mAP50()).isCloseTo(76.4 / 101, within(1e-12));
        assertThat(m.curve()).hasSize(101);
        assertThat(m.curve().get(33)).containsExactly(0.33, 1.0);
        assertThat(m.curve().get(34)[1]).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(m.curve().get(67)[1]).isCloseTo(0.6, within(1e-12));
        // best F1: after all five, P .6 R 1 -> F1 .75; after three, P 2/3 R 2/3 -> .667
        assertThat(m.f1()).isCloseTo(0.75, within(1e-12));
        assertThat(m.bestF1Confidence()).isEqualTo(0.5);
    }

    @Test
    void keepsTheHundredBestDetectionsOfAPhoto() {
        // 150 misses scored above the hit: with all of them the hit ranks 151st (AP 1/151 at
        // every recall point); keeping the 100 best drops the hit, so AP is 0
        List<ScoredBox> detections = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            detections.add(new ScoredBox(new Box(1000 + i, 1000, 1010 + i, 1010), 0.9));
        }
        detections.add(hit(A, 0.1));

        DetectionMetrics m = evaluate(new ImageBoxes(List.of(A), detections));

        assertThat(m.mAP50()).isZero();
        assertThat(m.detections()).isEqualTo(100);
    }

    @Test
    void scoresEachObjectSizeApartIgnoringTheOthers() {
        // a small box (20 x 20) found, a large one (200 x 200) missed, with a large false
        // positive: small AP 1; large AP 0; medium has no true box (undefined)
        Box small = new Box(0, 0, 20, 20);
        Box large = new Box(100, 100, 300, 300);
        Box wrong = new Box(400, 400, 600, 600);

        DetectionMetrics m =
                evaluate(image(List.of(small, large), hit(small, 0.9), hit(wrong, 0.8)));

        assertThat(m.apSmall()).isEqualTo(1.0);
        assertThat(m.apLarge()).isZero();
        assertThat(m.apMedium()).isNaN();
    }

    private static DetectionMetrics evaluate(ImageBoxes... images) {
        return DetectionEvaluator.evaluate(List.of(images));
    }

    private static ImageBoxes image(List<Box> truth, ScoredBox... detected) {
        return new ImageBoxes(truth, List.of(detected));
    }

    private static ScoredBox hit(Box box, double score) {
        return new ScoredBox(box, score);
    }
}
