package io.pillsnap.trainer.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.LinearGradientPaint;
import java.awt.MultipleGradientPaint.ColorSpaceType;
import java.awt.MultipleGradientPaint.CycleMethod;
import java.awt.RadialGradientPaint;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;

/**
 * Draws one pill as a camera sees it: a soft shadow on the table, a body shaded like a slightly
 * domed tablet (or a cylinder for capsules), a darker rim, and the imprint and score line of the
 * face that is up, all turned with the pill. Everything but the shadow is drawn in pill units.
 */
final class PillRenderer {

    private static final Color INK = new Color(240, 238, 230, 235);
    private static final Color GROOVE_LIGHT = new Color(255, 255, 255, 120);
    private static final Color TRANSPARENT_WHITE = new Color(255, 255, 255, 0);
    private static final Color TRANSPARENT_BLACK = new Color(0, 0, 0, 0);
    private static final Color SHADOW = new Color(0, 0, 0, 110);
    private static final double SHADOW_OFFSET = 0.05;
    private static final double SHADOW_SOFTNESS = 0.07;
    private static final float SCORE_WIDTH = 0.024f;
    private static final float RIM_WIDTH = 0.06f;
    private static final Color RIM = new Color(0, 0, 0, 40);
    private static final float EDGE_WIDTH = 0.012f;

    private static final Shape CAPSULE_FIRST_HALF = capsuleHalf(-1);
    private static final Shape CAPSULE_SECOND_HALF = capsuleHalf(1);

    private PillRenderer() {}

    /**
     * A shadow cast away from the light: an elliptic gradient around the pill, dark under it and
     * fading out at its edge. One paint, so no layering shows.
     */
    static void drawShadow(Graphics2D g, PillPose pose, double lightAngle) {
        double offset = SHADOW_OFFSET * pose.length();
        double aspect = pose.drug().shape().aspect();
        double radius = 0.5 + SHADOW_SOFTNESS;
        double squash = (aspect / 2 + SHADOW_SOFTNESS) / radius;
        Graphics2D shadow = (Graphics2D) g.create();
        try {
            shadow.translate(
                    pose.centerX() - Math.cos(lightAngle) * offset,
                    pose.centerY() - Math.sin(lightAngle) * offset);
            shadow.rotate(pose.angle());
            shadow.scale(pose.length(), pose.length());
            float solid = (float) ((0.5 - SHADOW_SOFTNESS) / radius);
            shadow.setPaint(
                    new RadialGradientPaint(
                            new Point2D.Double(0, 0),
                            (float) radius,
                            new Point2D.Double(0, 0),
                            new float[] {0f, solid, 1f},
                            new Color[] {SHADOW, SHADOW, TRANSPARENT_BLACK},
                            CycleMethod.NO_CYCLE,
                            ColorSpaceType.SRGB,
                            AffineTransform.getScaleInstance(1, squash)));
            shadow.fill(new Rectangle2D.Double(-radius, -radius, 2 * radius, 2 * radius));
        } finally {
            shadow.dispose();
        }
    }

    static void drawPill(Graphics2D g, PillPose pose, double lightAngle) {
        Graphics2D pill = (Graphics2D) g.create();
        try {
            pill.transform(pose.toImage());
            SyntheticDrug drug = pose.drug();
            Shape outline = drug.shape().outline();
            double lightX = Math.cos(lightAngle - pose.angle());
            double lightY = Math.sin(lightAngle - pose.angle());
            // bodies are filled unclipped: Java2D clips are not antialiased
            paintBody(pill, drug);
            pill.clip(outline);
            paintShading(pill, drug, lightX, lightY);
            paintFace(pill, pose, lightX, lightY);
            pill.setStroke(new BasicStroke(RIM_WIDTH));
            pill.setColor(RIM);
            pill.draw(outline);
            pill.setClip(null);
            // the edge line hides the clip's jagged border and reads as the tablet's side
            pill.setStroke(new BasicStroke(EDGE_WIDTH));
            pill.setColor(withAlpha(darker(drug.color1().rgb(), 0.55), 170));
            pill.draw(outline);
        } finally {
            pill.dispose();
        }
    }

    private static void paintBody(Graphics2D pill, SyntheticDrug drug) {
        if (drug.shape().isCapsule()) {
            pill.setColor(drug.color1().rgb());
            pill.fill(CAPSULE_FIRST_HALF);
            pill.setColor(drug.color2().rgb());
            pill.fill(CAPSULE_SECOND_HALF);
        } else {
            pill.setColor(drug.color1().rgb());
            pill.fill(drug.shape().outline());
        }
    }

    private static void paintShading(
            Graphics2D pill, SyntheticDrug drug, double lightX, double lightY) {
        Rectangle2D bounds = drug.shape().outline().getBounds2D();
        if (drug.shape().isCapsule()) {
            // a cylinder: a highlight stripe along the side facing the light, dark flanks
            float highlight = (float) (0.5 - 0.22 * lightY);
            pill.setPaint(
                    new LinearGradientPaint(
                            new Point2D.Double(0, bounds.getMinY()),
                            new Point2D.Double(0, bounds.getMaxY()),
                            new float[] {0f, highlight - 0.2f, highlight, highlight + 0.2f, 1f},
                            new Color[] {
                                new Color(0, 0, 0, 80),
                                TRANSPARENT_WHITE,
                                new Color(255, 255, 255, 100),
                                TRANSPARENT_WHITE,
                                new Color(0, 0, 0, 90)
                            }));
            pill.fill(bounds);
            pill.setStroke(new BasicStroke(0.008f));
            pill.setColor(new Color(0, 0, 0, 70));
            pill.draw(new Line2D.Double(0, bounds.getMinY(), 0, bounds.getMaxY()));
            return;
        }
        // a low dome: bright towards the light, darkening to the rim
        double aspect = drug.shape().aspect();
        pill.setPaint(
                new RadialGradientPaint(
                        new Point2D.Double(lightX * 0.14, lightY * 0.14),
                        0.5f,
                        new Point2D.Double(lightX * 0.14, lightY * 0.14),
                        new float[] {0f, 0.55f, 0.8f, 1f},
                        new Color[] {
                            new Color(255, 255, 255, 70),
                            TRANSPARENT_WHITE,
                            TRANSPARENT_BLACK,
                            new Color(0, 0, 0, 70)
                        },
                        CycleMethod.NO_CYCLE,
                        ColorSpaceType.SRGB,
                        AffineTransform.getScaleInstance(1, aspect)));
        pill.fill(bounds);
    }

    private static void paintFace(Graphics2D pill, PillPose pose, double lightX, double lightY) {
        SyntheticDrug drug = pose.drug();
        PillShape.ImprintBox box = drug.shape().imprintBox();
        if (drug.shape().isCapsule()) {
            // capsules are printed on both halves and show both whichever side is up
            drawImprint(pill, drug.printFront(), box, 0, drug.color1(), lightX, lightY);
            if (!drug.printBack().isEmpty()) {
                drawImprint(
                        pill,
                        drug.printBack(),
                        box,
                        -2 * box.centerX(),
                        drug.color2(),
                        lightX,
                        lightY);
            }
            return;
        }
        String text = pose.backSide() ? drug.printBack() : drug.printFront();
        if (!text.isEmpty()) {
            drawImprint(pill, text, box, 0, drug.color1(), lightX, lightY);
        }
        if (pose.backSide()) {
            drawScore(pill, drug.scoreLine(), drug.color1(), lightX, lightY);
        }
    }

    /** Text as large as the box allows, at most a third of the pill's short axis high. */
    private static void drawImprint(
            Graphics2D pill,
            String text,
            PillShape.ImprintBox box,
            double shiftX,
            PillColor body,
            double lightX,
            double lightY) {
        double scale =
                Math.min(
                        box.height() / StrokeFont.GLYPH_HEIGHT,
                        box.width() / StrokeFont.width(text));
        AffineTransform place =
                AffineTransform.getTranslateInstance(box.centerX() + shiftX, box.centerY());
        place.scale(scale, scale);
        Shape strokes = place.createTransformedShape(StrokeFont.path(text));
        double width = StrokeFont.STROKE * scale;
        pill.setStroke(
                new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        if (body.isLight()) {
            drawGroove(pill, strokes, body, width, lightX, lightY);
        } else {
            pill.setColor(INK);
            pill.draw(strokes);
        }
    }

    private static void drawScore(
            Graphics2D pill, ScoreLine score, PillColor body, double lightX, double lightY) {
        if (score == ScoreLine.NONE) {
            return;
        }
        pill.setStroke(new BasicStroke(SCORE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        drawGroove(pill, new Line2D.Double(0, -1, 0, 1), body, SCORE_WIDTH, lightX, lightY);
        if (score == ScoreLine.CROSS) {
            drawGroove(pill, new Line2D.Double(-1, 0, 1, 0), body, SCORE_WIDTH, lightX, lightY);
        }
    }

    /** A cut into the surface: its wall facing the light catches it, the near wall is in shadow. */
    private static void drawGroove(
            Graphics2D pill,
            Shape groove,
            PillColor body,
            double width,
            double lightX,
            double lightY) {
        pill.setColor(GROOVE_LIGHT);
        pill.draw(
                AffineTransform.getTranslateInstance(-lightX * width * 0.4, -lightY * width * 0.4)
                        .createTransformedShape(groove));
        double depth = body.isLight() ? 0.45 : 0.6;
        pill.setColor(withAlpha(darker(body.rgb(), depth), 235));
        pill.draw(
                AffineTransform.getTranslateInstance(lightX * width * 0.1, lightY * width * 0.1)
                        .createTransformedShape(groove));
    }

    private static Shape capsuleHalf(int side) {
        Area half = new Area(PillShape.CAPSULE.outline());
        half.intersect(new Area(new Rectangle2D.Double(side < 0 ? -1 : 0, -1, 1, 2)));
        return half;
    }

    private static Color darker(Color color, double factor) {
        return new Color(
                (int) (color.getRed() * factor),
                (int) (color.getGreen() * factor),
                (int) (color.getBlue() * factor));
    }

    private static Color withAlpha(Color color, int alpha) {
        return new Color(color.getRed(), color.getGreen(), color.getBlue(), alpha);
    }
}
