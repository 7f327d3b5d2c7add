package io.pillsnap.api.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.api.artifact.RgbImage;
import org.junit.jupiter.api.Test;

class LetterboxTest {

    /** A 976 x 1280 photo (AIHub's size), black, with a white 100 x 200 pill at (300, 400). */
    static RgbImage photo() {
        int width = 976;
        int height = 1280;
        byte[] pixels = new byte[width * height * 3];
        for (int y = 400; y < 600; y++) {
            for (int x = 300; x < 400; x++) {
                for (int c = 0; c < 3; c++) {
                    pixels[(y * width + x) * 3 + c] = (byte) 255;
                }
            }
        }
        return new RgbImage(width, height, pixels);
    }

    @Test
    void fitsThePhotoKeepingItsAspectAndFillsTheRestWithGray() {
        Letterbox.Letterboxed boxed = new Letterbox(640).apply(photo());

        // 1280 rows become 640: scale 0.5, 976 columns become 488, centred with 76 on each side
        assertThat(boxed.scale()).isEqualTo(0.5);
        assertThat(boxed.top()).isZero();
        assertThat(boxed.left()).isEqualTo(76);
        assertThat(boxed.image().at(10, 320, 0)).isEqualTo(Letterbox.FILL);
        assertThat(boxed.image().at(630, 320, 1)).isEqualTo(Letterbox.FILL);
        assertThat(boxed.image().at(76 + 175, 250, 2)).isEqualTo(255); // inside the pill
        assertThat(boxed.image().at(76 + 100, 100, 2)).isZero(); // the photo's black
    }

    @Test
    void boxesMoveWithThePictureAndBack() {
        Letterbox.Letterboxed boxed = new Letterbox(640).apply(photo());
        Box pill = Box.ofXywh(300, 400, 100, 200);

        Box input = boxed.toInput(pill);
        assertThat(input).isEqualTo(new Box(226, 200, 276, 300));
        Box back = boxed.toPhoto(input);
        assertThat(back.x1()).isCloseTo(300, within(1e-9));
        assertThat(back.y2()).isCloseTo(600, within(1e-9));
        // a box reaching into the padding is clipped to the photo
        assertThat(boxed.toPhoto(new Box(0, 0, 100, 100)).x1()).isZero();
    }
}
