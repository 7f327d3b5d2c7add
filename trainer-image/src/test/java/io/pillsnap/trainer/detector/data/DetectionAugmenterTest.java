package io.pillsnap.trainer.detector.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.Letterbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The augmentation moves boxes with the pixels: red "pills" on a gray table are found again under
 * their boxes after scaling, translation, flipping, colour jitter and mosaics.
 */
class DetectionAugmenterTest {

    static final int SIZE = 96;

    @Test
    void aBoxStaysOnItsPillThroughScaleTranslateFlipAndColour() {
        BoxedPhoto photo = photo(new Box(10, 40, 40, 60));
        DetectionAugmenter augmenter = new DetectionAugmenter(SIZE);
        int flipped = 0;
        for (int seed = 0; seed < 40; seed++) {
            DetectionAugmenter.Augmented out =
                    augmenter.augment(List.of(photo), 0, false, new SplittableRandom(seed));
            Box red = redBounds(out.pixels());
            if (red == null) {
                // scaled and moved out of the picture: then no box may remain either
                assertThat(out.boxes()).as("seed %d", seed).isEmpty();
                continue;
            }
            assertThat(out.boxes()).as("seed %d", seed).hasSize(1);
            Box box = out.boxes().get(0);
            // bilinear edges: within a pixel and a half of the red pixels' bounds
            assertThat(box.x1()).as("seed %d", seed).isCloseTo(red.x1(), within(1.5));
            assertThat(box.y1()).as("seed %d", seed).isCloseTo(red.y1(), within(1.5));
            assertThat(box.x2()).as("seed %d", seed).isCloseTo(red.x2(), within(1.5));
            assertThat(box.y2()).as("seed %d", seed).isCloseTo(red.y2(), within(1.5));
            // the pill lies left of the centre (x 25 of 96); scaled about the centre and moved by
            // at most 10%, it stays left unless flipped
            if ((box.x1() + box.x2()) / 2 > SIZE / 2.0) {
                flipped++;
            }
        }
        assertThat(flipped).isBetween(8, 32);
    }

    @Test
    void everyMosaicBoxSitsOnAPillAndNoWholePillIsLeftWithoutABox() {
        List<BoxedPhoto> photos =
                List.of(
                        photo(new Box(10, 20, 40, 40), new Box(50, 50, 80, 70)),
                        photo(new Box(20, 30, 60, 50)),
                        photo(new Box(5, 10, 25, 30), new Box(60, 20, 90, 45)),
                        photo(new Box(40, 60, 70, 85)));
        DetectionAugmenter augmenter = new DetectionAugmenter(SIZE);
        int boxes = 0;
        for (int seed = 0; seed < 30; seed++) {
            DetectionAugmenter.Augmented out =
                    augmenter.augment(photos, seed % 4, true, new SplittableRandom(seed));
            boolean[] red = redMask(out.pixels());
            for (Box box : out.boxes()) {
                assertThat(redShare(red, box)).as("seed %d, box %s", seed, box).isGreaterThan(0.6);
                boxes++;
            }
            // red pixels outside every box: only slivers of pills the reference drops (< 10% of
            // a pill left in the picture) and bilinear edges
            int outside = 0;
            int all = 0;
            for (int p = 0; p < red.length; p++) {
                if (red[p]) {
                    all++;
                    int x = p % SIZE;
                    int y = p / SIZE;
                    if (out.boxes().stream().noneMatch(b -> inside(b, x + 0.5, y + 0.5, 1.5))) {
                        outside++;
                    }
                }
            }
            assertThat(outside).as("seed %d", seed).isLessThanOrEqualTo(Math.max(6, all / 10));
        }
        assertThat(boxes).isGreaterThan(30);
    }

    /** A letterboxed gray photo of the input size with red rectangles where the boxes are. */
    private static BoxedPhoto photo(Box... boxes) {
        byte[] rgb = new byte[SIZE * SIZE * 3];
        Arrays.fill(rgb, (byte) Letterbox.FILL);
        for (Box box : boxes) {
            for (int y = (int) box.y1(); y < (int) box.y2(); y++) {
                for (int x = (int) box.x1(); x < (int) box.x2(); x++) {
                    rgb[(y * SIZE + x) * 3] = (byte) 220;
                    rgb[(y * SIZE + x) * 3 + 1] = (byte) 30;
                    rgb[(y * SIZE + x) * 3 + 2] = (byte) 30;
                }
            }
        }
        Letterbox.Letterboxed boxed =
                new Letterbox.Letterboxed(new RgbImage(SIZE, SIZE, rgb), 1.0, 0, 0, SIZE, SIZE);
        return new BoxedPhoto(Path.of("synthetic.png"), boxed, List.of(boxes));
    }

    private static boolean[] redMask(float[] chw) {
        int plane = SIZE * SIZE;
        boolean[] red = new boolean[plane];
        for (int p = 0; p < plane; p++) {
            // red stays redder than green under the jitter (saturation x0.3, value x0.6 at worst);
            // the gray table has red = green
            red[p] = chw[p] - chw[plane + p] > 0.05f;
        }
        return red;
    }

    private static Box redBounds(float[] chw) {
        boolean[] red = redMask(chw);
        List<int[]> points = new ArrayList<>();
        for (int p = 0; p < red.length; p++) {
            if (red[p]) {
                points.add(new int[] {p % SIZE, p / SIZE});
            }
        }
        if (points.isEmpty()) {
            return null;
        }
        return new Box(
                points.stream().mapToInt(q -> q[0]).min().orElseThrow(),
                points.stream().mapToInt(q -> q[1]).min().orElseThrow(),
                points.stream().mapToInt(q -> q[0]).max().orElseThrow() + 1,
                points.stream().mapToInt(q -> q[1]).max().orElseThrow() + 1);
    }

    private static double redShare(boolean[] red, Box box) {
        int inside = 0;
        int all = 0;
        for (int y = (int) Math.ceil(box.y1()); y < (int) Math.floor(box.y2()); y++) {
            for (int x = (int) Math.ceil(box.x1()); x < (int) Math.floor(box.x2()); x++) {
                all++;
                if (red[y * SIZE + x]) {
                    inside++;
                }
            }
        }
        return all == 0 ? 1 : (double) inside / all;
    }

    private static boolean inside(Box box, double x, double y, double margin) {
        return x >= box.x1() - margin
                && x <= box.x2() + margin
                && y >= box.y1() - margin
                && y <= box.y2() + margin;
    }
}
