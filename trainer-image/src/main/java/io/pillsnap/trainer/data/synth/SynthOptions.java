package io.pillsnap.trainer.data.synth;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Locale;

/**
 * What the synthetic dataset holds. Checked on construction: a bad value fails with the option's
 * name and its allowed range.
 *
 * @param classes drugs in the catalogue
 * @param imagesPerClass single photos per drug; combination sets hold as many photos each
 * @param combinationFraction combination photos per single photo (the real data has about 0.01)
 * @param testFraction share of each folder's photos written to {@code val/}, AIHub's validation set
 *     that serves as the final test set; every folder keeps at least one training photo
 * @param unknownDrugRatio unknown drugs per known drug, rounded up (0: none): drugs written only to
 *     {@code val/}, with as many photos each as a known drug has there, and as pills (beside
 *     others) in extra {@code val/} combination photos, this ratio of the known drugs' ones there;
 *     so that the test set holds drugs no stage trained on. None without a test split. A builder
 *     that does not set it gets {@value #DEFAULT_UNKNOWN_DRUG_RATIO}
 * @param width image width in pixels (the real photos are 976 x 1280)
 * @param height image height in pixels
 * @param familySize drugs per look-alike family; 1 makes every drug look different
 * @param seed the same options and seed give byte-identical files
 * @param threads rendering threads; the output does not depend on it
 */
@RecordBuilder
public record SynthOptions(
        int classes,
        int imagesPerClass,
        double combinationFraction,
        double testFraction,
        @RecordBuilder.Initializer("DEFAULT_UNKNOWN_DRUG_RATIO") double unknownDrugRatio,
        int width,
        int height,
        int familySize,
        long seed,
        Difficulty difficulty,
        int threads)
        implements SynthOptionsBuilder.With {

    public static final int MAX_CLASSES = 20_000;
    public static final int MAX_IMAGES_PER_CLASS = 10_000;
    public static final int MAX_FAMILY_SIZE = 16;
    public static final int MIN_SIDE = 64;
    public static final int MAX_SIDE = 4096;
    public static final int MAX_THREADS = 64;

    /** About a fifth as many unknown drugs as known ones. */
    public static final double DEFAULT_UNKNOWN_DRUG_RATIO = 0.2;

    public SynthOptions {
        requireRange("classes", classes, 1, MAX_CLASSES);
        requireRange("imagesPerClass", imagesPerClass, 1, MAX_IMAGES_PER_CLASS);
        requireRange("combinationFraction", combinationFraction, 0, 1);
        requireRange("testFraction", testFraction, 0, 0.5);
        requireRange("unknownDrugRatio", unknownDrugRatio, 0, 1);
        requireRange("width", width, MIN_SIDE, MAX_SIDE);
        requireRange("height", height, MIN_SIDE, MAX_SIDE);
        requireRange("familySize", familySize, 1, MAX_FAMILY_SIZE);
        requireRange("threads", threads, 1, MAX_THREADS);
        if (difficulty == null) {
            throw new IllegalArgumentException(
                    "difficulty must be set (Difficulty.standard() is the default)");
        }
    }

    /**
     * 50 classes of 20 photos at a quarter of the real resolution, families of 4, 2% combination
     * photos, no test split (a fifth as many unknown drugs once there is one), at most 2 threads.
     */
    public static SynthOptions defaults() {
        return SynthOptionsBuilder.builder()
                .classes(50)
                .imagesPerClass(20)
                .combinationFraction(0.02)
                .testFraction(0)
                .unknownDrugRatio(DEFAULT_UNKNOWN_DRUG_RATIO)
                .width(244)
                .height(320)
                .familySize(4)
                .seed(42)
                .difficulty(Difficulty.standard())
                .threads(Math.min(2, Runtime.getRuntime().availableProcessors()))
                .build();
    }

    /** With another picture size. */
    public SynthOptions withSize(int newWidth, int newHeight) {
        return with(options -> options.width(newWidth).height(newHeight));
    }

    /**
     * Checks across options, left out of the constructor so that a chain of {@code with...} calls
     * may pass through combinations that are refused only at the end.
     */
    void requireConsistent() {
        if (combinationFraction > 0 && classes < 2) {
            throw new IllegalArgumentException(
                    "combinationFraction must be 0 when classes is 1:"
                            + " a combination photo shows at least 2 different drugs");
        }
    }

    static void requireRange(String option, double value, double min, double max) {
        // written so that NaN fails too
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s must be between %s and %s (was %s)",
                            option,
                            plain(min),
                            plain(max),
                            plain(value)));
        }
    }

    private static String plain(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value)
                ? Long.toString((long) value)
                : Double.toString(value);
    }
}
