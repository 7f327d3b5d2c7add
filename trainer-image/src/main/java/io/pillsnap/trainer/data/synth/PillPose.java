package io.pillsnap.trainer.data.synth;

import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.PathIterator;
import java.awt.geom.Rectangle2D;

/**
 * Where and how one pill lies in a photo.
 *
 * @param length long axis in pixels
 * @param angle rotation in radians
 * @param backSide whether the back face is up
 */
record PillPose(
        SyntheticDrug drug,
        double centerX,
        double centerY,
        double length,
        double angle,
        boolean backSide) {

    /** Flattening tolerance in pixels: keeps boxes tight to a fraction of a pixel. */
    private static final double FLATNESS = 0.1;

    PillPose movedTo(double x, double y) {
        return new PillPose(drug, x, y, length, angle, backSide);
    }

    /** From pill units (long axis 1, centred) to image pixels. */
    AffineTransform toImage() {
        AffineTransform transform = AffineTransform.getTranslateInstance(centerX, centerY);
        transform.rotate(angle);
        transform.scale(length, length);
        return transform;
    }

    Shape outline() {
        return toImage().createTransformedShape(drug.shape().outline());
    }

    /**
     * The tight axis-aligned box of the rotated pill. Shape bounds would include curve control
     * points and come out loose, so the outline is flattened first.
     */
    Rectangle2D bounds() {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        double[] point = new double[6];
        for (PathIterator it = outline().getPathIterator(null, FLATNESS); !it.isDone(); it.next()) {
            if (it.currentSegment(point) != PathIterator.SEG_CLOSE) {
                minX = Math.min(minX, point[0]);
                minY = Math.min(minY, point[1]);
                maxX = Math.max(maxX, point[0]);
                maxY = Math.max(maxY, point[1]);
            }
        }
        return new Rectangle2D.Double(minX, minY, maxX - minX, maxY - minY);
    }

    /** Rotation in whole degrees, 0 to 359. */
    int degrees() {
        return Math.floorMod((int) Math.round(Math.toDegrees(angle)), 360);
    }
}
