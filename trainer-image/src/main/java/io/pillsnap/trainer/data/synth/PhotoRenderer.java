package io.pillsnap.trainer.data.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RadialGradientPaint;
import java.awt.RenderingHints;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.random.RandomGenerator;

/** Turns a scene into pixels: the table, the pills and their shadows, then light and camera. */
final class PhotoRenderer {

    private static final int TEXTURE_BLOTCHES = 18;

    private PhotoRenderer() {}

    static BufferedImage render(
            PhotoScene scene, int width, int height, double noiseSigma, RandomGenerator random) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            paintTable(g, scene, width, height, random);
            for (PillPose pill : scene.pills()) {
                PillRenderer.drawShadow(g, pill, scene.lightAngle());
            }
            for (PillPose pill : scene.pills()) {
                PillRenderer.drawPill(g, pill, scene.lightAngle());
            }
        } finally {
            g.dispose();
        }
        CameraEffects.apply(image, scene, noiseSigma, random);
        return image;
    }

    /** A flat surface with faint soft mottling; its light comes later with the camera's. */
    private static void paintTable(
            Graphics2D g, PhotoScene scene, int width, int height, RandomGenerator random) {
        g.setColor(scene.table());
        g.fillRect(0, 0, width, height);
        double reference = Math.min(width, height);
        for (int i = 0; i < TEXTURE_BLOTCHES; i++) {
            float radius = (float) (reference * random.nextDouble(0.08, 0.3));
            int alpha = random.nextInt(6, 16);
            int tone = random.nextBoolean() ? 255 : 0;
            Point2D center =
                    new Point2D.Double(random.nextDouble(width), random.nextDouble(height));
            g.setPaint(
                    new RadialGradientPaint(
                            center,
                            radius,
                            new float[] {0f, 1f},
                            new Color[] {
                                new Color(tone, tone, tone, alpha), new Color(tone, tone, tone, 0)
                            }));
            g.fill(
                    new Rectangle2D.Double(
                            center.getX() - radius,
                            center.getY() - radius,
                            2 * radius,
                            2 * radius));
        }
    }
}
