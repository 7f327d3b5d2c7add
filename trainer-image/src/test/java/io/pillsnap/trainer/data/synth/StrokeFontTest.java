package io.pillsnap.trainer.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrokeFontTest {

    /** Glyph height in pixels: about what an imprint gets at a 128 px classifier input. */
    private static final int GLYPH_PIXELS = 12;

    @Test
    void drawsEveryImprintCharacter() {
        for (char c : (StrokeFont.ALPHABET + "-").toCharArray()) {
            assertThat(StrokeFont.canDraw(c)).as("glyph %s", c).isTrue();
            assertThat(inkedPixels(render(String.valueOf(c)))).as("ink of %s", c).isPositive();
        }
    }

    @Test
    void textIsCentredOnTheOrigin() {
        var bounds = StrokeFont.path("AB7").getBounds2D();

        assertThat(bounds.getCenterX()).isCloseTo(0, org.assertj.core.data.Offset.offset(0.6));
        assertThat(bounds.getCenterY()).isCloseTo(0, org.assertj.core.data.Offset.offset(0.6));
        assertThat(bounds.getWidth()).isLessThanOrEqualTo(StrokeFont.width("AB7"));
    }

    @ParameterizedTest(name = "{0} and {1}")
    @CsvSource({"0, O", "1, I", "5, S", "8, B", "2, Z", "0, D", "6, G", "U, V", "M, N"})
    void lookAlikeCharactersStayApartAtImprintSize(char one, char other) {
        int differing = differingPixels(render(String.valueOf(one)), render(String.valueOf(other)));

        assertThat(differing).isGreaterThanOrEqualTo(8);
    }

    @Test
    void refusesCharactersOutsideTheAlphabet() {
        assertThatThrownBy(() -> StrokeFont.path("a?"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("A-Z, 0-9");
    }

    private static BufferedImage render(String text) {
        double scale = GLYPH_PIXELS / StrokeFont.GLYPH_HEIGHT;
        int width = (int) Math.ceil(StrokeFont.width(text) * scale) + 4;
        BufferedImage image =
                new BufferedImage(width, GLYPH_PIXELS + 4, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.translate(width / 2.0, (GLYPH_PIXELS + 4) / 2.0);
        g.transform(AffineTransform.getScaleInstance(scale, scale));
        g.setColor(Color.WHITE);
        g.setStroke(
                new BasicStroke(
                        (float) StrokeFont.STROKE, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(StrokeFont.path(text));
        g.dispose();
        return image;
    }

    private static int inkedPixels(BufferedImage image) {
        return differingPixels(
                image, new BufferedImage(image.getWidth(), image.getHeight(), image.getType()));
    }

    /** Pixels whose grey level differs by more than a quarter of full scale. */
    private static int differingPixels(BufferedImage one, BufferedImage other) {
        int count = 0;
        for (int y = 0; y < one.getHeight(); y++) {
            for (int x = 0; x < one.getWidth(); x++) {
                int a = one.getRaster().getSample(x, y, 0);
                int b = other.getRaster().getSample(x, y, 0);
                if (Math.abs(a - b) > 64) {
                    count++;
                }
            }
        }
        return count;
    }
}
