package io.pillsnap.trainer.data.synth;

import java.awt.geom.Path2D;
import java.util.HashMap;
import java.util.Map;

/**
 * The imprint font: each glyph is a few polylines on a 4 x 6 grid, stroked by the renderer. System
 * fonts differ between machines, and the generator must write the same bytes everywhere. Look-alike
 * glyphs are kept apart on purpose: the zero is narrow and slashed, the one has a flag and a foot,
 * the I has serifs.
 */
final class StrokeFont {

    static final double GLYPH_WIDTH = 4;
    static final double GLYPH_HEIGHT = 6;

    /** Stroke width in grid units that keeps glyphs bold enough to survive downscaling. */
    static final double STROKE = 0.85;

    /** Characters an imprint may hold; '-' only between others. */
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static final double SPACING = 1.7;

    private static final Map<Character, double[][]> GLYPHS = glyphs();

    private StrokeFont() {}

    /** Width of a text in grid units. */
    static double width(String text) {
        return text.length() * GLYPH_WIDTH + Math.max(0, text.length() - 1) * SPACING;
    }

    /** The text's strokes in grid units, centred on the origin. */
    static Path2D.Double path(String text) {
        Path2D.Double path = new Path2D.Double();
        double left = -width(text) / 2;
        double top = -GLYPH_HEIGHT / 2;
        for (int i = 0; i < text.length(); i++) {
            double[][] glyph = GLYPHS.get(text.charAt(i));
            if (glyph == null) {
                throw new IllegalArgumentException(
                        "imprint '" + text + "' has a character outside A-Z, 0-9 and '-'");
            }
            double x0 = left + i * (GLYPH_WIDTH + SPACING);
            for (double[] line : glyph) {
                path.moveTo(x0 + line[0], top + line[1]);
                for (int p = 2; p < line.length; p += 2) {
                    path.lineTo(x0 + line[p], top + line[p + 1]);
                }
            }
        }
        return path;
    }

    static boolean canDraw(char c) {
        return GLYPHS.containsKey(c);
    }

    private static Map<Character, double[][]> glyphs() {
        Map<Character, double[][]> glyphs = new HashMap<>();
        glyph(glyphs, 'A', "0,6 2,0 4,6 | 0.7,4 3.3,4");
        glyph(glyphs, 'B', "0,3 3,3 4,4 4,5 3,6 0,6 0,0 2.8,0 3.7,0.8 3.7,2.2 2.8,3");
        glyph(glyphs, 'C', "4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5");
        glyph(glyphs, 'D', "0,0 0,6 2.4,6 4,4.4 4,1.6 2.4,0 0,0");
        glyph(glyphs, 'E', "4,0 0,0 0,6 4,6 | 0,3 3,3");
        glyph(glyphs, 'F', "4,0 0,0 0,6 | 0,3 3,3");
        glyph(glyphs, 'G', "4,1 3,0 1,0 0,1 0,5 1,6 3,6 4,5 4,3.4 2.2,3.4");
        glyph(glyphs, 'H', "0,0 0,6 | 4,0 4,6 | 0,3 4,3");
        glyph(glyphs, 'I', "0.8,0 3.2,0 | 2,0 2,6 | 0.8,6 3.2,6");
        glyph(glyphs, 'J', "4,0 4,5 3,6 1,6 0,5");
        glyph(glyphs, 'K', "0,0 0,6 | 4,0 0,3.6 | 1.4,2.4 4,6");
        glyph(glyphs, 'L', "0,0 0,6 4,6");
        glyph(glyphs, 'M', "0,6 0,0 2,3.6 4,0 4,6");
        glyph(glyphs, 'N', "0,6 0,0 4,6 4,0");
        glyph(glyphs, 'O', "1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0");
        glyph(glyphs, 'P', "0,6 0,0 3,0 4,1 4,2 3,3 0,3");
        glyph(glyphs, 'Q', "1,0 3,0 4,1 4,5 3,6 1,6 0,5 0,1 1,0 | 2.4,4.4 4.2,6.2");
        glyph(glyphs, 'R', "0,6 0,0 3,0 4,1 4,2 3,3 0,3 | 2,3 4,6");
        glyph(glyphs, 'S', "4,1 3,0 1,0 0,1 0,2 1,3 3,3 4,4 4,5 3,6 1,6 0,5");
        glyph(glyphs, 'T', "0,0 4,0 | 2,0 2,6");
        glyph(glyphs, 'U', "0,0 0,5 1,6 3,6 4,5 4,0");
        glyph(glyphs, 'V', "0,0 2,6 4,0");
        glyph(glyphs, 'W', "0,0 1,6 2,2.4 3,6 4,0");
        glyph(glyphs, 'X', "0,0 4,6 | 4,0 0,6");
        glyph(glyphs, 'Y', "0,0 2,3 4,0 | 2,3 2,6");
        glyph(glyphs, 'Z', "0,0 4,0 0,6 4,6");
        glyph(
                glyphs,
                '0',
                "1.2,0 2.8,0 3.6,1 3.6,5 2.8,6 1.2,6 0.4,5 0.4,1 1.2,0 | 3.4,1.2 0.6,4.8");
        glyph(glyphs, '1', "0.8,1.4 2.2,0 2.2,6 | 0.8,6 3.6,6");
        glyph(glyphs, '2', "0,1 1,0 3,0 4,1 4,2.2 0,6 4,6");
        glyph(glyphs, '3', "0,0.8 1,0 3,0 4,1 4,2 3,3 1.6,3 | 3,3 4,4 4,5 3,6 1,6 0,5.2");
        glyph(glyphs, '4', "3,6 3,0 0,4.2 4,4.2");
        glyph(glyphs, '5', "4,0 0.4,0 0.2,2.8 1,2.5 3,2.5 4,3.5 4,5 3,6 1,6 0,5.2");
        glyph(glyphs, '6', "3.6,0.4 2.8,0 1,0 0,1 0,5 1,6 3,6 4,5 4,4 3,3 1,3 0,4");
        glyph(glyphs, '7', "0,0 4,0 1.4,6");
        glyph(glyphs, '8', "1,3 0,2 0,1 1,0 3,0 4,1 4,2 3,3 1,3 0,4 0,5 1,6 3,6 4,5 4,4 3,3");
        glyph(glyphs, '9', "0.4,5.6 1.2,6 3,6 4,5 4,1 3,0 1,0 0,1 0,2 1,3 3,3 4,2");
        glyph(glyphs, '-', "0.8,3 3.2,3");
        return Map.copyOf(glyphs);
    }

    /** Polylines separated by '|', points as "x,y" separated by spaces. */
    private static void glyph(Map<Character, double[][]> glyphs, char c, String polylines) {
        String[] lines = polylines.split("\\|");
        double[][] glyph = new double[lines.length][];
        for (int i = 0; i < lines.length; i++) {
            String[] points = lines[i].trim().split(" +");
            glyph[i] = new double[points.length * 2];
            for (int p = 0; p < points.length; p++) {
                String[] xy = points[p].split(",");
                glyph[i][2 * p] = Double.parseDouble(xy[0]);
                glyph[i][2 * p + 1] = Double.parseDouble(xy[1]);
            }
        }
        glyphs.put(c, glyph);
    }
}
