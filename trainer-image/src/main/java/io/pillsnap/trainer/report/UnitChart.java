package io.pillsnap.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import javax.imageio.ImageIO;

/**
 * The frame the calibration pictures share: a square plot, x from 0 to 1 and y from 0 to {@code
 * yMax}, with a light grid every fifth, tick values, axis names and up to three legend lines above,
 * all lettered with {@link PixelFont}. Antialiasing stays off so that the same figures give the
 * same bytes.
 */
final class UnitChart {

    static final int PLOT = 360;
    static final int LEFT = 64;
    static final int TOP = 56;
    static final int RIGHT = 16;
    static final int BOTTOM = 44;
    static final int WIDTH = LEFT + PLOT + RIGHT;
    static final int HEIGHT = TOP + PLOT + BOTTOM;

    static final int TEXT_SCALE = 2;
    static final Color INK = new Color(0x44, 0x44, 0x44);
    static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
    static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
    static final Color RED = new Color(0xd6, 0x27, 0x28);
    static final Color GREY = new Color(0x99, 0x99, 0x99);

    private static final int TICKS = 5;
    private static final int LEGEND_LINE = 16;

    private final BufferedImage image;
    private final Graphics2D g;
    private final double yMax;

    UnitChart(String xName, String yName, double yMax) {
        this.yMax = yMax;
        image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        grid();
        names(xName, yName);
    }

    /** The pixel column of x in [0, 1]. */
    static int x(double x) {
        return LEFT + (int) Math.round(x * PLOT);
    }

    /** The pixel row of y in [0, yMax]. */
    int y(double y) {
        return TOP + PLOT - (int) Math.round(Math.min(y, yMax) / yMax * PLOT);
    }

    double yMax() {
        return yMax;
    }

    /** A bar from the x axis up to {@code height}, between x {@code from} and {@code to}. */
    void bar(double from, double to, double height, Color color) {
        int left = x(from);
        int top = y(height);
        g.setColor(color);
        g.fillRect(left, top, Math.max(1, x(to) - left), TOP + PLOT - top);
    }

    void line(double x1, double y1, double x2, double y2, Color color, float width) {
        g.setColor(color);
        g.setStroke(new BasicStroke(width));
        g.drawLine(x(x1), y(y1), x(x2), y(y2));
    }

    void dashedLine(double x1, double y1, double x2, double y2, Color color) {
        Stroke previous = g.getStroke();
        g.setColor(color);
        g.setStroke(
                new BasicStroke(
                        2f,
                        BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_MITER,
                        10f,
                        new float[] {6f, 4f},
                        0f));
        g.drawLine(x(x1), y(y1), x(x2), y(y2));
        g.setStroke(previous);
    }

    /** A colour swatch and its text on legend line 0, 1 or 2 above the plot. */
    void legend(int line, Color color, String text) {
        int top = 6 + line * LEGEND_LINE;
        g.setColor(color);
        g.fillRect(LEFT, top, 10, 10);
        g.setColor(INK);
        PixelFont.draw(g, text, LEFT + 16, top, TEXT_SCALE);
    }

    /** Redraws the axes' frame over whatever was drawn up to the edges. */
    PngPicture finish() {
        g.setColor(INK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(LEFT, TOP, PLOT, PLOT);
        g.dispose();
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return new PngPicture(out.toByteArray(), WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a calibration picture", e);
        }
    }

    /** A number as the tick labels and legends print it: at most {@code digits} decimals. */
    static String number(double value, int digits) {
        return BigDecimal.valueOf(value)
                .setScale(digits, RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
    }

    /** A share as a percentage with one decimal: "62.1%". */
    static String percent(double share) {
        return number(share * 100, 1) + "%";
    }

    /** The smallest of 1, 2 and 5 times a power of ten that is at least {@code value}. */
    static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value * (1 - 1e-12)) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private void grid() {
        g.setColor(GRID);
        for (int i = 1; i < TICKS; i++) {
            int offset = i * PLOT / TICKS;
            g.drawLine(LEFT + offset, TOP, LEFT + offset, TOP + PLOT);
            g.drawLine(LEFT, TOP + offset, LEFT + PLOT, TOP + offset);
        }
    }

    private void names(String xName, String yName) {
        int glyphHeight = PixelFont.GLYPH_HEIGHT * TEXT_SCALE;
        g.setColor(INK);
        for (int i = 0; i <= TICKS; i++) {
            String xLabel = number((double) i / TICKS, 3);
            int column = LEFT + i * PLOT / TICKS;
            g.fillRect(column, TOP + PLOT, 1, 4);
            PixelFont.draw(
                    g,
                    xLabel,
                    column - PixelFont.width(xLabel, TEXT_SCALE) / 2,
                    TOP + PLOT + 7,
                    TEXT_SCALE);
            String yLabel = number(yMax * i / TICKS, 4);
            int row = TOP + PLOT - i * PLOT / TICKS;
            g.fillRect(LEFT - 4, row, 4, 1);
            PixelFont.draw(
                    g,
                    yLabel,
                    LEFT - 7 - PixelFont.width(yLabel, TEXT_SCALE),
                    row - glyphHeight / 2,
                    TEXT_SCALE);
        }
        PixelFont.draw(
                g,
                xName,
                LEFT + PLOT / 2 - PixelFont.width(xName, TEXT_SCALE) / 2,
                TOP + PLOT + 7 + glyphHeight + 8,
                TEXT_SCALE);
        PixelFont.drawColumn(
                g,
                yName,
                4,
                TOP + PLOT / 2 - PixelFont.columnHeight(yName, TEXT_SCALE) / 2,
                TEXT_SCALE);
    }
}
