package io.pillsnap.trainer.report;

import java.awt.Graphics2D;
import java.util.Map;

/**
 * Capitals, digits and a few signs for the report pictures' labels, as 3 x 5 pixel glyphs. Java2D
 * text needs fontconfig and a system font, which the trainer images (JRE-only, CUDA base) do not
 * have; these glyphs draw the same everywhere.
 */
final class PixelFont {

    static final int GLYPH_WIDTH = 3;
    static final int GLYPH_HEIGHT = 5;
    private static final int SPACING = 1;

    private static final Map<Character, String> GLYPHS =
            Map.ofEntries(
                    Map.entry(' ', "000000000000000"),
                    Map.entry('%', "101001010100101"),
                    Map.entry('-', "000000111000000"),
                    Map.entry('.', "000000000000010"),
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
                    Map.entry(':', "000010000010000"),
                    Map.entry('=', "000111000111000"),
                    Map.entry('A', "010101111101101"),
                    Map.entry('B', "110101110101110"),
                    Map.entry('C', "111100100100111"),
                    Map.entry('D', "110101101101110"),
                    Map.entry('E', "111100110100111"),
                    Map.entry('F', "111100110100100"),
                    Map.entry('G', "011100101101011"),
                    Map.entry('H', "101101111101101"),
                    Map.entry('I', "111010010010111"),
                    Map.entry('J', "001001001101010"),
                    Map.entry('K', "101101110101101"),
                    Map.entry('L', "100100100100111"),
                    Map.entry('M', "101111111101101"),
                    Map.entry('N', "111101101101101"),
                    Map.entry('O', "010101101101010"),
                    Map.entry('P', "110101110100100"),
                    Map.entry('Q', "010101101110011"),
                    Map.entry('R', "110101110101101"),
                    Map.entry('S', "011100010001110"),
                    Map.entry('T', "111010010010010"),
                    Map.entry('U', "101101101101111"),
                    Map.entry('V', "101101101101010"),
                    Map.entry('W', "101101111111101"),
                    Map.entry('X', "101101010101101"),
                    Map.entry('Y', "101101010010010"),
                    Map.entry('Z', "111001010100111"));

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
