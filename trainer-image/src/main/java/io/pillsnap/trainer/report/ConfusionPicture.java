package io.pillsnap.trainer.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The confusion matrix as a PNG: one block per cell, rows the true class, columns the predicted
 * class, coloured by the cell's share of its row (the true class's images), so that a class with
 * few images shows its mistakes as plainly as a large one. Axis ticks every few classes are
 * labelled with class indices.
 */
final class ConfusionPicture {

    /** Beyond this a cell would be under 2 pixels in a picture a screen can show whole. */
    static final int MAX_CLASSES = 300;

    static final int LEFT = 48;
    static final int TOP = 44;
    static final int MARGIN = 8;

    private static final int MATRIX_SIDE = 600;
    private static final int MAX_CELL = 32;
    private static final int TEXT_SCALE = 2;
    private static final int TICK_LABEL_SPACE = 28;
    private static final int[] TICK_STEPS = {1, 5, 10, 20, 25, 50, 100};

    private static final Color INK = new Color(0x44, 0x44, 0x44);
    private static final Color FRAME = new Color(0x99, 0x99, 0x99);
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    private static final Color NO_IMAGES = new Color(0xee, 0xee, 0xee);
    private static final Color NEVER_RIGHT = new Color(0xf6, 0xc8, 0xc3);
    private static final Color LIGHTEST = new Color(0xdb, 0xe9, 0xf6);
    private static final Color DARKEST = new Color(0x08, 0x30, 0x6b);

    /** The encoded picture and its size, and its cell size and tick step for the page's caption. */
    record Picture(byte[] png, int width, int height, int cell, int tickStep) {}

    private ConfusionPicture() {}

    static boolean drawable(int classes) {
        return classes > 0 && classes <= MAX_CLASSES;
    }

    static Picture draw(Evaluation evaluation, int classes) {
        if (!drawable(classes)) {
            throw new IllegalArgumentException(
                    classes + " classes: a matrix picture is drawn for 1 to " + MAX_CLASSES);
        }
        int cell = Math.max(2, Math.min(MAX_CELL, MATRIX_SIDE / classes));
        int side = cell * classes;
        int width = LEFT + Math.max(side, PixelFont.width("PREDICTED", TEXT_SCALE)) + MARGIN;
        int height = TOP + Math.max(side, PixelFont.columnHeight("TRUE", TEXT_SCALE)) + MARGIN;
        int tickStep = tickStep(cell);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            cells(g, evaluation, classes, cell);
            g.setColor(FRAME);
            g.drawRect(LEFT - 1, TOP - 1, side + 1, side + 1);
            axes(g, classes, cell, tickStep);
        } finally {
            g.dispose();
        }
        return new Picture(png(image), width, height, cell, tickStep);
    }

    private static void cells(Graphics2D g, Evaluation evaluation, int classes, int cell) {
        int side = cell * classes;
        // large cells get a light grid so that a row can be followed by eye
        int gap = cell >= 16 ? 1 : 0;
        g.setColor(gap == 0 ? Color.WHITE : GRID);
        g.fillRect(LEFT, TOP, side, side);
        for (int row = 0; row < classes; row++) {
            int support = evaluation.perClass().get(row).support();
            if (support == 0) {
                g.setColor(NO_IMAGES);
                g.fillRect(LEFT, TOP + row * cell, side, cell - gap);
            } else if (gap > 0) {
                g.setColor(Color.WHITE);
                for (int column = 0; column < classes; column++) {
                    g.fillRect(LEFT + column * cell, TOP + row * cell, cell - gap, cell - gap);
                }
            }
        }
        int[] correct = new int[classes];
        for (int[] entry : evaluation.confusion()) {
            int row = entry[0];
            int column = entry[1];
            if (row == column) {
                correct[row] = entry[2];
            }
            double share = (double) entry[2] / evaluation.perClass().get(row).support();
            g.setColor(shade(share));
            g.fillRect(LEFT + column * cell, TOP + row * cell, cell - gap, cell - gap);
        }
        // keeps the diagonal visible where a class is never recognised
        g.setColor(NEVER_RIGHT);
        for (int c = 0; c < classes; c++) {
            if (correct[c] == 0 && evaluation.perClass().get(c).support() > 0) {
                g.fillRect(LEFT + c * cell, TOP + c * cell, cell - gap, cell - gap);
            }
        }
    }

    /** Light to dark blue by the square root of the share, so that a 1 % confusion still shows. */
    static Color shade(double share) {
        double t = Math.sqrt(Math.max(0, Math.min(1, share)));
        return new Color(
                mix(LIGHTEST.getRed(), DARKEST.getRed(), t),
                mix(LIGHTEST.getGreen(), DARKEST.getGreen(), t),
                mix(LIGHTEST.getBlue(), DARKEST.getBlue(), t));
    }

    private static int mix(int from, int to, double t) {
        return (int) Math.round(from + (to - from) * t);
    }

    private static void axes(Graphics2D g, int classes, int cell, int tickStep) {
        int side = cell * classes;
        int glyphHeight = PixelFont.GLYPH_HEIGHT * TEXT_SCALE;
        g.setColor(INK);
        String predicted = "PREDICTED";
        PixelFont.draw(
                g,
                predicted,
                Math.max(2, LEFT + side / 2 - PixelFont.width(predicted, TEXT_SCALE) / 2),
                4,
                TEXT_SCALE);
        String truth = "TRUE";
        PixelFont.drawColumn(
                g,
                truth,
                4,
                Math.max(TOP, TOP + side / 2 - PixelFont.columnHeight(truth, TEXT_SCALE) / 2),
                TEXT_SCALE);
        for (int c = 0; c < classes; c += tickStep) {
            int centre = c * cell + cell / 2;
            String label = Integer.toString(c);
            int labelWidth = PixelFont.width(label, TEXT_SCALE);
            g.fillRect(LEFT + centre, TOP - 6, 1, 4);
            PixelFont.draw(
                    g, label, LEFT + centre - labelWidth / 2, TOP - 8 - glyphHeight, TEXT_SCALE);
            g.fillRect(LEFT - 6, TOP + centre, 4, 1);
            PixelFont.draw(
                    g, label, LEFT - 8 - labelWidth, TOP + centre - glyphHeight / 2, TEXT_SCALE);
        }
    }

    /** The smallest step, counted in fives, whose ticks are far enough apart for their labels. */
    private static int tickStep(int cell) {
        for (int step : TICK_STEPS) {
            if (step * cell >= TICK_LABEL_SPACE) {
                return step;
            }
        }
        return TICK_STEPS[TICK_STEPS.length - 1];
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the confusion picture", e);
        }
    }
}
