package io.pillsnap.trainer.data.synth;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Everything random about one photo except its pixel noise: the table, the light and the pills'
 * poses. Drawn first, so that the file name can say what the photo shows.
 *
 * @param lightAngle direction towards the light, in radians, image coordinates
 * @param lightFalloff how much darker the far side of the table is than the near side
 * @param brightness shift in 0-255 grey levels
 * @param contrast gain around mid grey
 * @param warmth red gain up and blue gain down by this fraction (negative: cooler)
 * @param blurSigma Gaussian blur in pixels, 0 for a sharp photo
 */
@RecordBuilder
record PhotoScene(
        Backdrop backdrop,
        Color table,
        double lightAngle,
        double lightFalloff,
        double brightness,
        double contrast,
        double warmth,
        double blurSigma,
        List<PillPose> pills)
        implements PhotoSceneBuilder.With {

    /** Single photos: long axis 40-65% of the short image side, like the real close-ups. */
    private static final double SINGLE_LENGTH = 0.58;

    /**
     * Combination photos: the camera stands further away, 20-34% of the short side (with the drug's
     * own size), drawn per photo.
     */
    private static final double COMBINATION_LENGTH_MIN = 0.21;

    private static final double COMBINATION_LENGTH_MAX = 0.29;

    /** Keeps the shadow mostly in frame too. */
    private static final double MARGIN = 0.05;

    /** Apart: pills barely touch. */
    private static final double MAX_OVERLAP = 0.08;

    /**
     * Crowded photos (about half) let pills lie against and on each other, as a handful poured on a
     * table does, up to this share of the smaller box; never so much that a pill is mostly hidden.
     */
    private static final double MAX_CROWDED_OVERLAP = 0.3;

    private static final int PLACEMENT_ATTEMPTS = 60;

    PhotoScene {
        pills = List.copyOf(pills);
    }

    static PhotoScene single(
            SyntheticDrug drug,
            int width,
            int height,
            Difficulty difficulty,
            RandomGenerator random) {
        PhotoScene scene = lighting(width, height, difficulty, random);
        PillPose pose = pose(drug, SINGLE_LENGTH, width, height, difficulty, random);
        return scene.withPills(List.of(place(pose, width, height, random)));
    }

    static PhotoScene combination(
            List<SyntheticDrug> drugs,
            int width,
            int height,
            Difficulty difficulty,
            RandomGenerator random) {
        PhotoScene scene = lighting(width, height, difficulty, random);
        double length = random.nextDouble(COMBINATION_LENGTH_MIN, COMBINATION_LENGTH_MAX);
        double allowed =
                random.nextBoolean()
                        ? random.nextDouble(MAX_OVERLAP, MAX_CROWDED_OVERLAP)
                        : MAX_OVERLAP;
        List<PillPose> placed = new ArrayList<>();
        for (SyntheticDrug drug : drugs) {
            PillPose pose = pose(drug, length, width, height, difficulty, random);
            placed.add(placeApart(pose, placed, allowed, width, height, random));
        }
        return scene.withPills(placed);
    }

    boolean blurred() {
        return blurSigma > 0;
    }

    private static PhotoScene lighting(
            int width, int height, Difficulty difficulty, RandomGenerator random) {
        Backdrop backdrop = Backdrop.values()[random.nextInt(Backdrop.values().length)];
        Color base = backdrop.color();
        int shift = random.nextInt(-10, 11);
        Color table =
                new Color(
                        clamp(base.getRed() + shift + random.nextInt(-5, 6)),
                        clamp(base.getGreen() + shift + random.nextInt(-5, 6)),
                        clamp(base.getBlue() + shift + random.nextInt(-5, 6)));
        double lightAngle = random.nextDouble(2 * Math.PI);
        double lightFalloff = random.nextDouble(0.05, 0.2);
        double brightness = symmetric(random, difficulty.brightnessJitter()) * 255;
        double contrast = 1 + symmetric(random, difficulty.contrastJitter());
        double warmth = symmetric(random, 0.04);
        double blurSigma =
                random.nextDouble() < difficulty.blurProbability()
                        ? random.nextDouble(0.5, 1.2) * Math.min(width, height) / 244.0
                        : 0;
        return new PhotoScene(
                backdrop,
                table,
                lightAngle,
                lightFalloff,
                brightness,
                contrast,
                warmth,
                blurSigma,
                List.of());
    }

    private static PillPose pose(
            SyntheticDrug drug,
            double lengthShare,
            int width,
            int height,
            Difficulty difficulty,
            RandomGenerator random) {
        double length =
                Math.min(width, height)
                        * lengthShare
                        * drug.relativeSize()
                        * (1 + symmetric(random, difficulty.scaleJitter()));
        double angle = random.nextDouble(2 * Math.PI);
        boolean backSide = random.nextBoolean();
        return new PillPose(drug, 0, 0, length, angle, backSide);
    }

    /** Anywhere the whole pill stays inside the frame. */
    private static PillPose place(PillPose pose, int width, int height, RandomGenerator random) {
        Rectangle2D box = pose.bounds();
        double margin = MARGIN * pose.length();
        double x = within(random, -box.getMinX() + margin, width - box.getMaxX() - margin, width);
        double y = within(random, -box.getMinY() + margin, height - box.getMaxY() - margin, height);
        return pose.movedTo(x, y);
    }

    /**
     * Places a pill so that it overlaps the others by at most {@code allowed} (as a share of the
     * smaller box): apart photos try places anywhere until one barely touches the others, crowded
     * ones try places beside a pill already down until one covers between a third of the allowance
     * and all of it, so that pills lie against and on each other. When no try fits, the one nearest
     * the range is taken.
     */
    private static PillPose placeApart(
            PillPose pose,
            List<PillPose> others,
            double allowed,
            int width,
            int height,
            RandomGenerator random) {
        boolean crowded = allowed > MAX_OVERLAP && !others.isEmpty();
        double least = crowded ? allowed / 3 : 0;
        PillPose best = null;
        double bestMiss = Double.MAX_VALUE;
        for (int attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
            PillPose candidate =
                    crowded
                            ? besideAnother(pose, others, width, height, random)
                            : place(pose, width, height, random);
            double overlap = worstOverlap(candidate.bounds(), others);
            double miss = Math.max(0, least - overlap) + Math.max(0, overlap - allowed);
            if (miss < bestMiss) {
                best = candidate;
                bestMiss = miss;
            }
            if (miss == 0) {
                break;
            }
        }
        return best;
    }

    /** Next to one of the placed pills, kept inside the frame. */
    private static PillPose besideAnother(
            PillPose pose, List<PillPose> others, int width, int height, RandomGenerator random) {
        PillPose other = others.get(random.nextInt(others.size()));
        double angle = random.nextDouble(2 * Math.PI);
        double distance = random.nextDouble(0.3, 0.9) * (pose.length() + other.length()) / 2;
        PillPose moved =
                pose.movedTo(
                        other.centerX() + distance * Math.cos(angle),
                        other.centerY() + distance * Math.sin(angle));
        Rectangle2D box = moved.bounds();
        double margin = MARGIN * pose.length();
        double dx =
                Math.max(0, margin - box.getMinX()) - Math.max(0, box.getMaxX() + margin - width);
        double dy =
                Math.max(0, margin - box.getMinY()) - Math.max(0, box.getMaxY() + margin - height);
        return moved.movedTo(moved.centerX() + dx, moved.centerY() + dy);
    }

    /** Largest share of either box covered by the other, over all placed pills. */
    private static double worstOverlap(Rectangle2D box, List<PillPose> others) {
        double worst = 0;
        for (PillPose other : others) {
            Rectangle2D otherBox = other.bounds();
            Rectangle2D common = box.createIntersection(otherBox);
            if (!common.isEmpty()) {
                double area = common.getWidth() * common.getHeight();
                double smaller =
                        Math.min(
                                box.getWidth() * box.getHeight(),
                                otherBox.getWidth() * otherBox.getHeight());
                worst = Math.max(worst, area / smaller);
            }
        }
        return worst;
    }

    private static double within(RandomGenerator random, double low, double high, int extent) {
        return low < high ? random.nextDouble(low, high) : extent / 2.0;
    }

    private static double symmetric(RandomGenerator random, double amplitude) {
        return amplitude == 0 ? 0 : random.nextDouble(-amplitude, amplitude);
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }
}
