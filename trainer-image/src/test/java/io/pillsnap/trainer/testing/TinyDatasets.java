package io.pillsnap.trainer.testing;

import io.pillsnap.trainer.data.synth.SynthOptions;
import io.pillsnap.trainer.data.synth.SyntheticDataset;
import java.nio.file.Path;

/** Small synthetic datasets in the AIHub layout, generated once per test class. */
public final class TinyDatasets {

    private TinyDatasets() {}

    /** {@code classes} drugs with {@code perClass} single pictures each, at 64 x 80 pixels. */
    public static Path generate(Path root, int classes, int perClass, double combinationFraction) {
        return generate(root, classes, perClass, combinationFraction, 0);
    }

    /** As above, the last {@code testFraction} of each folder written to val/, the test set. */
    public static Path generate(
            Path root, int classes, int perClass, double combinationFraction, double testFraction) {
        SyntheticDataset.generate(
                SynthOptions.defaults()
                        .withClasses(classes)
                        .withTestFraction(testFraction)
                        .withImagesPerClass(perClass)
                        .withCombinationFraction(combinationFraction)
                        .withSize(64, 80)
                        .withFamilySize(2)
                        .withSeed(7),
                root,
                n -> {});
        return root;
    }
}
