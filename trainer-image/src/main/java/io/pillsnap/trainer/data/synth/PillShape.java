package io.pillsnap.trainer.data.synth;

import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;

/**
 * A pill outline in pill units: centred on the origin, long axis along x and one unit long, named
 * by the real dataset's {@code drug_shape} words. Each shape knows where an imprint fits on it.
 */
public enum PillShape {
    ROUND("원형", new Ellipse2D.Double(-0.5, -0.5, 1, 1), new ImprintBox(0, 0, 0.66, 0.30)),
    OVAL("타원형", new Ellipse2D.Double(-0.5, -0.36, 1, 0.72), new ImprintBox(0, 0, 0.62, 0.26)),
    OBLONG(
            "장방형",
            new RoundRectangle2D.Double(-0.5, -0.23, 1, 0.46, 0.36, 0.40),
            new ImprintBox(0, 0, 0.70, 0.22)),
    /** Real capsule labels also say 장방형; the two-tone body and color_class2 tell them apart. */
    CAPSULE(
            "장방형",
            new RoundRectangle2D.Double(-0.5, -0.2, 1, 0.4, 0.4, 0.4),
            new ImprintBox(-0.24, 0, 0.36, 0.20)),
    TRIANGLE(
            "삼각형",
            roundedPolygon(new double[] {0, -0.577, 0.5, 0.289, -0.5, 0.289}, 0.09),
            new ImprintBox(0, 0.07, 0.42, 0.22)),
    SQUARE(
            "사각형",
            new RoundRectangle2D.Double(-0.5, -0.5, 1, 1, 0.28, 0.28),
            new ImprintBox(0, 0, 0.74, 0.32)),
    DIAMOND(
            "마름모형",
            roundedPolygon(new double[] {-0.5, 0, 0, -0.34, 0.5, 0, 0, 0.34}, 0.07),
            new ImprintBox(0, 0, 0.44, 0.20)),
    PENTAGON("오각형", regularPolygon(5, -Math.PI / 2, 0.09), new ImprintBox(0, 0.03, 0.58, 0.28)),
    HEXAGON("육각형", regularPolygon(6, 0, 0.07), new ImprintBox(0, 0, 0.64, 0.30));

    private final String label;
    private final Shape outline;
    private final ImprintBox imprintBox;
    private final double aspect;

    PillShape(String label, Shape outline, ImprintBox imprintBox) {
        this.label = label;
        this.outline = new Path2D.Double(outline);
        this.imprintBox = imprintBox;
        Rectangle2D bounds = outline.getBounds2D();
        this.aspect = bounds.getHeight() / bounds.getWidth();
    }

    /** Where text goes, in pill units: centre and the largest width and height it may take. */
    record ImprintBox(double centerX, double centerY, double width, double height) {}

    /** The value written to {@code drug_shape}. */
    public String label() {
        return label;
    }

    public boolean isCapsule() {
        return this == CAPSULE;
    }

    Shape outline() {
        return outline;
    }

    /** For a capsule, the box of the first half; the second half mirrors it. */
    ImprintBox imprintBox() {
        return imprintBox;
    }

    /** Short axis over long axis. */
    double aspect() {
        return aspect;
    }

    private static Shape regularPolygon(int corners, double firstCorner, double cut) {
        double[] points = new double[2 * corners];
        for (int i = 0; i < corners; i++) {
            double angle = firstCorner + 2 * Math.PI * i / corners;
            points[2 * i] = Math.cos(angle);
            points[2 * i + 1] = Math.sin(angle);
        }
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        for (int i = 0; i < corners; i++) {
            minX = Math.min(minX, points[2 * i]);
            maxX = Math.max(maxX, points[2 * i]);
        }
        double scale = 1 / (maxX - minX);
        for (int i = 0; i < points.length; i++) {
            points[i] *= scale;
        }
        return roundedPolygon(points, cut);
    }

    /** A convex polygon whose corners are cut at {@code cut} along each edge and rounded. */
    private static Shape roundedPolygon(double[] points, double cut) {
        int corners = points.length / 2;
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < corners; i++) {
            double x = points[2 * i];
            double y = points[2 * i + 1];
            int previous = (i + corners - 1) % corners;
            int next = (i + 1) % corners;
            double[] in = towards(x, y, points[2 * previous], points[2 * previous + 1], cut);
            double[] out = towards(x, y, points[2 * next], points[2 * next + 1], cut);
            if (i == 0) {
                path.moveTo(in[0], in[1]);
            } else {
                path.lineTo(in[0], in[1]);
            }
            path.quadTo(x, y, out[0], out[1]);
        }
        path.closePath();
        return path;
    }

    private static double[] towards(double x, double y, double toX, double toY, double distance) {
        double length = Math.hypot(toX - x, toY - y);
        return new double[] {x + (toX - x) * distance / length, y + (toY - y) * distance / length};
    }
}
