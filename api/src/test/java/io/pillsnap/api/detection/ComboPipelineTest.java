package io.pillsnap.api.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's plumbing with stand-in models: a detector head that encodes two known boxes, and a
 * classifier that names a crop by its mean colour (red 0, blue 1, anything else 2), so that the
 * test sees which pixels each box's crop took.
 */
class ComboPipelineTest {

    static final int DETECTOR = 64; // anchors: 8x8 + 4x4 + 2x2 = 84
    static final Preprocessing CLASSIFIER = Preprocessing.imagenet(16);

    @Test
    void eachDetectedPillIsCroppedFromThePhotoAndNamed() {
        // a 128 x 128 photo: red square at (8..40, 8..40), blue one at (72..104, 72..104); the
        // detector sees it at half size, so its boxes are (4..20) and (36..52), each centred on a
        // stride-8 cell
        RgbImage photo = photo(128, 128);
        fill(photo, 8, 8, 40, 40, 220, 20, 20);
        fill(photo, 72, 72, 104, 104, 20, 20, 220);
        float[] head = head(new int[] {4, 4, 20, 20, 3}, new int[] {36, 36, 52, 52, 1});
        ComboPipeline pipeline =
                new ComboPipeline(DETECTOR, CLASSIFIER, ComboPipeline.SERVING, 3, 2);

        List<ComboPipeline.Pill> pills =
                pipeline.predict(
                        photo,
                        (images, batch) -> {
                            assertThat(batch).isEqualTo(1);
                            assertThat(images).hasSize(3 * DETECTOR * DETECTOR);
                            return head;
                        },
                        ComboPipelineTest::byColour);

        assertThat(pills).hasSize(2);
        // most confident first: the red pill (logit 3) before the blue one (logit 1)
        ComboPipeline.Pill red = pills.get(0);
        assertThat(red.box().x1()).isCloseTo(8, within(1e-6));
        assertThat(red.box().y2()).isCloseTo(40, within(1e-6));
        assertThat(red.confidence()).isCloseTo(1 / (1 + Math.exp(-3)), within(1e-9));
        assertThat(red.top()).hasSize(2);
        assertThat(red.top().get(0).classIndex()).isZero();
        assertThat(red.top().get(0).probability()).isGreaterThan(0.9);
        ComboPipeline.Pill blue = pills.get(1);
        assertThat(blue.box().x1()).isCloseTo(72, within(1e-6));
        assertThat(blue.top().get(0).classIndex()).isEqualTo(1);
    }

    @Test
    void aPhotoWithoutPillsGivesAnEmptyList() {
        float[] nothing = new float[65 * HeadDecoder.anchors(DETECTOR)];
        Arrays.fill(nothing, 64 * HeadDecoder.anchors(DETECTOR), nothing.length, -20f);
        ComboPipeline pipeline =
                new ComboPipeline(DETECTOR, CLASSIFIER, ComboPipeline.SERVING, 3, 1);

        assertThat(
                        pipeline.predict(
                                photo(100, 60),
                                (images, batch) -> nothing,
                                (images, batch) -> {
                                    throw new AssertionError("no crop to classify");
                                }))
                .isEmpty();
    }

    @Test
    void theCropIsAPaddedSquareAroundTheBoxKeptInsideThePhoto() {
        // a 40 x 20 box: a 48 x 48 square on its centre (60, 50)
        assertThat(ComboPipeline.cropRegion(new Box(40, 40, 80, 60), 200, 200))
                .isEqualTo(new Box(36, 26, 84, 74));
        // near the left edge the square moves right instead of losing its left part
        assertThat(ComboPipeline.cropRegion(new Box(0, 40, 40, 60), 200, 200))
                .isEqualTo(new Box(0, 26, 48, 74));
        // a photo smaller than the square: cut to the photo
        assertThat(ComboPipeline.cropRegion(new Box(0, 0, 40, 30), 44, 30))
                .isEqualTo(new Box(0, 0, 44, 30));
    }

    /** A raw head with one anchor per box (x1, y1, x2, y2 in input pixels, class logit). */
    private static float[] head(int[]... boxes) {
        int anchors = HeadDecoder.anchors(DETECTOR);
        float[] head = new float[65 * anchors];
        Arrays.fill(head, 64 * anchors, head.length, -20f);
        for (int[] box : boxes) {
            // the stride-8 cell whose centre (4 + 8k) is the box's centre
            int cx = (box[0] + box[2]) / 2;
            int cy = (box[1] + box[3]) / 2;
            int anchor = ((cy - 4) / 8) * 8 + (cx - 4) / 8;
            int[] distances = {cx - box[0], cy - box[1], box[2] - cx, box[3] - cy};
            for (int side = 0; side < 4; side++) {
                head[(side * 16 + distances[side] / 8) * anchors + anchor] = 50f;
            }
            head[64 * anchors + anchor] = box[4];
        }
        return head;
    }

    /** Class 0 for a red crop, 1 for a blue one, 2 otherwise, by the crop's mean colour. */
    private static float[] byColour(float[] images, int batch) {
        int plane = 16 * 16;
        float[] logits = new float[batch * 3];
        for (int i = 0; i < batch; i++) {
            double red = 0;
            double blue = 0;
            for (int p = 0; p < plane; p++) {
                red += images[i * 3 * plane + p];
                blue += images[i * 3 * plane + 2 * plane + p];
            }
            int best = red > blue + plane ? 0 : blue > red + plane ? 1 : 2;
            logits[i * 3 + best] = 10f;
        }
        return logits;
    }

    private static RgbImage photo(int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        Arrays.fill(pixels, (byte) 128);
        return new RgbImage(width, height, pixels);
    }

    private static void fill(RgbImage image, int x1, int y1, int x2, int y2, int r, int g, int b) {
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                int i = (y * image.width() + x) * 3;
                image.pixels()[i] = (byte) r;
                image.pixels()[i + 1] = (byte) g;
                image.pixels()[i + 2] = (byte) b;
            }
        }
    }
}
