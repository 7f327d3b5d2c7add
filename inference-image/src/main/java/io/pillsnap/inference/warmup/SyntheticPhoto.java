package io.pillsnap.inference.warmup;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A photo-like picture of one pill at the size of the AIHub pictures (976 x 1280): a lit background
 * with noise, an ellipse with an imprint. What matters here is its decoding cost, not its class:
 * the server warms up on it ({@link Warmup}) and the serving benchmark sends it.
 */
public final class SyntheticPhoto {

    private SyntheticPhoto() {}

    public static byte[] jpeg(int width, int height) throws IOException {
        return encode(draw(width, height, 42, true), "jpeg");
    }

    /**
     * The photo without its imprint: no text, so no fonts needed (a slim container's JRE may have
     * none), for the server's warm-up.
     */
    public static byte[] jpegWithoutImprint(int width, int height) throws IOException {
        return encode(draw(width, height, 42, false), "jpeg");
    }

    /** The photo in {@code format} (png, jpeg); other seeds move the noise. */
    public static byte[] encoded(int width, int height, long seed, String format)
            throws IOException {
        return encode(draw(width, height, seed, true), format);
    }

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    private static BufferedImage draw(int width, int height, long seed, boolean imprint) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int light = 200 - (int) (40.0 * y / height) + random.nextInt(12);
                image.setRGB(x, y, new Color(light, light - 4, light - 10).getRGB());
            }
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        double pillWidth = width * 0.45;
        double pillHeight = pillWidth * 0.55;
        Ellipse2D pill =
                new Ellipse2D.Double(
                        (width - pillWidth) / 2, (height - pillHeight) / 2, pillWidth, pillHeight);
        g.setColor(new Color(236, 214, 120));
        g.fill(pill);
        g.setColor(new Color(150, 130, 60));
        g.setStroke(new BasicStroke(Math.max(1, width / 200f)));
        g.draw(pill);
        if (imprint) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, (int) (pillHeight / 3)));
            g.drawString(
                    "PS 10",
                    (int) (width / 2 - pillWidth / 4),
                    (int) (height / 2 + pillHeight / 10));
        }
        g.dispose();
        return image;
    }
}
