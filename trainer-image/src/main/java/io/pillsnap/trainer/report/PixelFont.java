package io.pillsnap.trainer.report;

import java.awt.Graphics2D;
import java.util.Map;

/**
 * Digits and the few capitals the confusion picture's axes need, as 3 x 5 pixel glyphs. Java2D text
 * needs fontconfig and a system font, which the trainer images (JRE-only, CUDA base) do not have;
 * these glyphs draw the same everywhere.
 */
final class PixelFont {

    static final int GLYPH_WIDTH = 3;
    static final int GLYPH_HEIGHT = 5;
    private static final int SPACING = 1;

    private static final Map<Character, String> GLYPHS =
            Map.ofEntries(
                    Map.entry('0', "111101101101111"),
                    Map.entry('1', "010110010010111"),
                    Map.entry('2', "111001111100111"),
                    Map.entry('3', "111001111001111"),
                    Map.entry('4', "101101111001001"),
                    Map.entry('5', "111100111001111"),
                    Map.entry('6', "111100111101111"),
                    Map.entry('7', "111001001010010"),
                    Map.entry('8', "111101111101111"),
                    Map.entry('9', "111101111001111"),
                    Map.entry('C', "111100100100111"),
                    Map.entry('D', "110101101101110"),
                    Map.entry('E', "111100110100111"),
                    Map.entry('I', "111010010010111"),
                    Map.entry('P', "110101110100100"),
                    Map.entry('R', "110101110101101"),
                    Map.entry('T', "111010010010010"),
                    Map.entry('U', "101101101101111"));

    private PixelFont() {}

    /** Width in pixels of a line of text drawn at {@code scale}. */
    static int width(String text, int scale) {
        return Math.max(0, text.length() * (GLYPH_WIDTH + SPACING) - SPACING) * scale;
    }

    /** Height in pixels of text drawn one character under the other at {@code scale}. */
    static int columnHeight(String text, int scale) {
        return Math.max(0, text.length() * (GLYPH_HEIGHT + SPACING) - SPACING) * scale;
    }

    /** Draws a line of text with its top-left corner at (x, y), in the current colour. */
    static void draw(Graphics2D g, String text, int x, int y, int scale) {
        for (int i = 0; i < text.length(); i++) {
            glyph(g, text.charAt(i), x + i * (GLYPH_WIDTH + SPACING) * scale, y, scale);
        }
    }

    /** Draws text one character under the other, top-left corner at (x, y). */
    static void drawColumn(Graphics2D g, String text, int x, int y, int scale) {
        for (int i = 0; i < text.length(); i++) {
            glyph(g, text.charAt(i), x, y + i * (GLYPH_HEIGHT + SPACING) * scale, scale);
        }
    }

    private static void glyph(Graphics2D g, char c, int x, int y, int scale) {
        String bits = GLYPHS.get(c);
        if (bits == null) {
            throw new IllegalArgumentException("no pixel glyph for '" + c + "'");
        }
        for (int i = 0; i < bits.length(); i++) {
            if (bits.charAt(i) == '1') {
                int column = i % GLYPH_WIDTH;
                int row = i / GLYPH_WIDTH;
                g.fillRect(x + column * scale, y + row * scale, scale, scale);
            }
        }
    }
}
