package io.pillsnap.trainer.cli;

import io.pillsnap.trainer.data.synth.Difficulty;
import io.pillsnap.trainer.data.synth.SynthOptions;
import io.pillsnap.trainer.data.synth.SynthOptionsBuilder;
import io.pillsnap.trainer.data.synth.SynthReport;
import io.pillsnap.trainer.data.synth.SyntheticDataset;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pillsnap-trainer synth}: writes a synthetic pill dataset in the AIHub layout. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        header = "Generate a synthetic pill dataset in the AIHub on-disk format.",
        sortOptions = false,
        description = {
            "Generate a synthetic pill dataset in the on-disk format of AIHub dataset 576",
            "(train/images, train/labels, single and combination pictures with COCO-style labels),",
            "so that every loader runs exactly as on the real data. Deterministic by --seed.",
            "",
            "Classes come in look-alike families that share shape and colour and differ only by",
            "imprint (--family-size), so a classifier must read imprints to score well.",
            "",
            "Example (the stage-1 sized set, about a minute on 2 cores):",
            "  pillsnap-trainer synth --output data/synth --classes 50 --images 5000"
        })
public final class SynthCommand implements Callable<Integer> {

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Dataset root to write")
    Path output;

    @Option(
            names = "--classes",
            defaultValue = "50",
            description = "Number of drugs (default: ${DEFAULT-VALUE})")
    int classes;

    @Option(
            names = "--images",
            defaultValue = "5000",
            description = "Single-pill pictures in all (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--family-size",
            defaultValue = "4",
            description =
                    "Look-alike classes per family; 1 = all distinct (default: ${DEFAULT-VALUE})")
    int familySize;

    @Option(
            names = "--width",
            defaultValue = "244",
            description = "Picture width; the real data is 976 (default: ${DEFAULT-VALUE})")
    int width;

    @Option(
            names = "--height",
            defaultValue = "320",
            description = "Picture height; the real data is 1280 (default: ${DEFAULT-VALUE})")
    int height;

    @Option(
            names = "--combination-fraction",
            defaultValue = "0.02",
            description = "Combination pictures per single picture (default: ${DEFAULT-VALUE})")
    double combinationFraction;

    @Option(
            names = "--test-fraction",
            defaultValue = "0",
            description = "Share written to val/, the final test set (default: ${DEFAULT-VALUE})")
    double testFraction;

    @Option(
            names = "--difficulty",
            defaultValue = "standard",
            paramLabel = "easy|standard|hard",
            description = "Noise, blur and lighting (default: ${DEFAULT-VALUE})")
    String difficulty;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description =
                    "Rendering threads; the output does not depend on it (default: ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() {
        SynthOptions options;
        try {
            options =
                    SynthOptionsBuilder.builder()
                            .classes(classes)
                            .imagesPerClass(Math.max(1, (images + classes - 1) / classes))
                            .combinationFraction(combinationFraction)
                            .testFraction(testFraction)
                            .width(width)
                            .height(height)
                            .familySize(familySize)
                            .seed(seed)
                            .difficulty(difficulty(difficulty))
                            .threads(threads)
                            .build();
        } catch (IllegalArgumentException e) {
            System.err.println("invalid option: " + e.getMessage());
            return 2;
        }
        SynthReport report =
                SyntheticDataset.generate(
                        options,
                        output,
                        new ProgressPrinter("pictures", SyntheticDataset.plannedImages(options)));
        System.out.println("wrote " + report + " to " + output);
        return 0;
    }

    static Difficulty difficulty(String name) {
        return switch (name) {
            case "easy" -> Difficulty.easy();
            case "standard" -> Difficulty.standard();
            case "hard" -> Difficulty.hard();
            default ->
                    throw new IllegalArgumentException(
                            "--difficulty must be easy, standard or hard, not " + name);
        };
    }
}
