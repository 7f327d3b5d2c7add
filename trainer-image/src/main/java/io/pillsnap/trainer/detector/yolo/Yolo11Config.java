package io.pillsnap.trainer.detector.yolo;

import java.util.Locale;

/**
 * A YOLO11 variant: the reference's depth and width multipliers and channel cap (n, s, m, l, x),
 * optionally scaled further for CPU runs. The m, l and x variants use C3k blocks in every C3k2.
 */
public record Yolo11Config(
        String name, double depth, double width, int maxChannels, boolean c3kEverywhere) {

    public static final Yolo11Config N = new Yolo11Config("yolo11n", 0.50, 0.25, 1024, false);
    public static final Yolo11Config S = new Yolo11Config("yolo11s", 0.50, 0.50, 1024, false);
    public static final Yolo11Config M = new Yolo11Config("yolo11m", 0.50, 1.00, 512, true);
    public static final Yolo11Config L = new Yolo11Config("yolo11l", 1.00, 1.00, 512, true);
    public static final Yolo11Config X = new Yolo11Config("yolo11x", 1.00, 1.50, 512, true);

    public static Yolo11Config of(String scale) {
        return switch (scale.toLowerCase(Locale.ROOT)) {
            case "n", "yolo11n" -> N;
            case "s", "yolo11s" -> S;
            case "m", "yolo11m" -> M;
            case "l", "yolo11l" -> L;
            case "x", "yolo11x" -> X;
            default ->
                    throw new IllegalArgumentException(
                            "unknown YOLO11 scale '" + scale + "': n, s, m, l or x");
        };
    }

    /** The variant a stage's detector spec names, with its width and depth multipliers. */
    public static Yolo11Config of(io.pillsnap.api.v1alpha1.spec.DetectorSpec spec) {
        return of(spec.arch().name()).scaled(spec.widthMultiplier(), spec.depthMultiplier());
    }

    /** Narrower and shallower than published, for CPU runs (1.0 keeps the variant). */
    public Yolo11Config scaled(double widthMultiplier, double depthMultiplier) {
        if (widthMultiplier == 1.0 && depthMultiplier == 1.0) {
            return this;
        }
        return new Yolo11Config(
                name + "-w" + widthMultiplier + "-d" + depthMultiplier,
                depth * depthMultiplier,
                width * widthMultiplier,
                maxChannels,
                c3kEverywhere);
    }

    /** Channels of a layer the table gives {@code channels}: capped, scaled, a multiple of 8. */
    int channels(int channels) {
        double scaled = Math.min(channels, maxChannels) * width;
        return (int) Math.ceil(scaled / 8) * 8;
    }

    /** Inner repeats of a layer the table gives {@code repeats} (Python's rounding, min 1). */
    int repeats(int repeats) {
        return repeats > 1 ? Math.max((int) Math.rint(repeats * depth), 1) : repeats;
    }
}
