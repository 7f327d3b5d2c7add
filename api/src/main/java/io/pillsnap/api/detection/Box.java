package io.pillsnap.api.detection;

/** An axis-aligned box in pixels, corners (x1, y1) top left and (x2, y2) bottom right. */
public record Box(double x1, double y1, double x2, double y2) {

    /** A box from COCO's [x, y, width, height]. */
    public static Box ofXywh(double x, double y, double width, double height) {
        return new Box(x, y, x + width, y + height);
    }

    public double width() {
        return Math.max(0, x2 - x1);
    }

    public double height() {
        return Math.max(0, y2 - y1);
    }

    public double area() {
        return width() * height();
    }

    /** Intersection over union; 0 for boxes that do not overlap or have no area. */
    public double iou(Box other) {
        double w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        double h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double union = area() + other.area() - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
