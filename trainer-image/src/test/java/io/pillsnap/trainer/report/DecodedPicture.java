package io.pillsnap.trainer.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** A calibration picture read back from its PNG bytes, with the pixel questions its tests ask. */
final class DecodedPicture {

    private final BufferedImage image;

    private DecodedPicture(BufferedImage image) {
        this.image = image;
    }

    /** Decodes with ImageIO and checks the size the picture states. */
    static DecodedPicture of(PngPicture picture) {
        assertThat(picture.png()).isNotEmpty();
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(picture.png()));
            assertThat(image).as("decodable PNG").isNotNull();
            assertThat(image.getWidth()).isEqualTo(picture.width());
            assertThat(image.getHeight()).isEqualTo(picture.height());
            return new DecodedPicture(image);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int rgb(int x, int y) {
        return image.getRGB(x, y) & 0xffffff;
    }

    /** Whether the colour is at (x, y) or one of its eight neighbours (lines are 1-2 px wide). */
    boolean near(int x, int y, Color color) {
        for (int dx = -1; dx <= 1; dx++) {
            for (int dy = -1; dy <= 1; dy++) {
                if (rgb(x + dx, y + dy) == (color.getRGB() & 0xffffff)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Rows of the plot where columns x-1..x+1 hold the colour. */
    int rowsWith(int x, Color color) {
        int rows = 0;
        for (int y = UnitChart.TOP; y <= UnitChart.TOP + UnitChart.PLOT; y++) {
            if (near(x, y, color)) {
                rows++;
            }
        }
        return rows;
    }

    /** Columns of the plot where rows y-1..y+1 hold the colour. */
    int columnsWith(int y, Color color) {
        int columns = 0;
        for (int x = UnitChart.LEFT; x <= UnitChart.LEFT + UnitChart.PLOT; x++) {
            if (near(x, y, color)) {
                columns++;
            }
        }
        return columns;
    }

    /** Pixels of the colour inside the plot. */
    int plotPixels(Color color) {
        int pixels = 0;
        for (int y = UnitChart.TOP; y <= UnitChart.TOP + UnitChart.PLOT; y++) {
            for (int x = UnitChart.LEFT; x <= UnitChart.LEFT + UnitChart.PLOT; x++) {
                if (rgb(x, y) == (color.getRGB() & 0xffffff)) {
                    pixels++;
                }
            }
        }
        return pixels;
    }
}
