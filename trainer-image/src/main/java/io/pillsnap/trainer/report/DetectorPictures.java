package io.pillsnap.trainer.report;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ScoredBox;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The detector's report pictures: the precision-recall curve at IoU 0.50, and photos with the true
 * boxes (green) and the detected ones (red, with their confidence in percent) drawn.
 */
public final class DetectorPictures {

    public static final int CURVE_SIZE = 400;
    private static final int MARGIN = 40;
    private static final int PHOTO_HEIGHT = 480;
    private static final Color TRUE_BOX = new Color(0x1b, 0x9e, 0x4b);
    private static final Color FOUND_BOX = new Color(0xd6, 0x27, 0x28);

    private DetectorPictures() {}

    /** Precision (up) against recall (right), both 0 to 1, grid every 0.2; AP as the area. */
    public static BufferedImage curve(DetectionMetrics metrics) {
        int side = CURVE_SIZE;
        int plot = side - 2 * MARGIN;
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, side, side);
            g.setColor(new Color(0xdd, 0xdd, 0xdd));
            for (int i = 0; i <= 5; i++) {
                int offset = i * plot / 5;
                g.drawLine(MARGIN + offset, MARGIN, MARGIN + offset, MARGIN + plot);
                g.drawLine(MARGIN, MARGIN + offset, MARGIN + plot, MARGIN + offset);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawRect(MARGIN, MARGIN, plot, plot);
            Path2D.Double line = new Path2D.Double();
            Path2D.Double area = new Path2D.Double();
            area.moveTo(MARGIN, MARGIN + plot);
            List<double[]> points = metrics.curve();
            for (int i = 0; i < points.size(); i++) {
                double x = MARGIN + points.get(i)[0] * plot;
                double y = MARGIN + (1 - points.get(i)[1]) * plot;
                if (i == 0) {
                    line.moveTo(x, y);
                } else {
                    line.lineTo(x, y);
                }
                area.lineTo(x, y);
            }
            area.lineTo(MARGIN + plot, MARGIN + plot);
            area.closePath();
            g.setColor(new Color(0x1f, 0x77, 0xb4, 60));
            g.fill(area);
            g.setColor(new Color(0x1f, 0x77, 0xb4));
            g.setStroke(new BasicStroke(2.5f));
            g.draw(line);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The photo, shrunk to {@value #PHOTO_HEIGHT} pixels high, with its true boxes and the
     * detections at or above {@code confidence}.
     */
    public static BufferedImage boxes(Path photo, ImageBoxes boxes, double confidence) {
        BufferedImage original;
        try {
            original =
                    ImageDecoder.decode(photo, ImageDecoder.DEFAULT_MAX_PIXELS).toBufferedImage();
        } catch (ImageDecoder.UnreadableImageException e) {
            throw new IllegalStateException("cannot draw " + photo + ": " + e.getMessage(), e);
        }
        double scale = (double) PHOTO_HEIGHT / original.getHeight();
        int width = (int) Math.round(original.getWidth() * scale);
        BufferedImage image = new BufferedImage(width, PHOTO_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(original, 0, 0, width, PHOTO_HEIGHT, null);
            g.setStroke(new BasicStroke(2f));
            g.setColor(TRUE_BOX);
            for (Box box : boxes.truth()) {
                draw(g, box, scale);
            }
            for (ScoredBox found : boxes.detected()) {
                if (found.score() < confidence) {
                    continue;
                }
                g.setColor(FOUND_BOX);
                draw(g, found.box(), scale);
                String percent =
                        String.valueOf(Math.min(99, (int) Math.round(found.score() * 100)));
                int x = (int) Math.round(found.box().x1() * scale) + 3;
                int y = (int) Math.round(found.box().y1() * scale) + 3;
                g.fillRect(x - 2, y - 2, PixelFont.width(percent, 2) + 4, 14);
                g.setColor(Color.WHITE);
                PixelFont.draw(g, percent, x, y, 2);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void draw(Graphics2D g, Box box, double scale) {
        g.drawRect(
                (int) Math.round(box.x1() * scale),
                (int) Math.round(box.y1() * scale),
                (int) Math.round(box.width() * scale),
                (int) Math.round(box.height() * scale));
    }

    public static byte[] png(BufferedImage image) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
