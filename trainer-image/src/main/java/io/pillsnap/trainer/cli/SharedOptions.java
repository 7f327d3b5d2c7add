package io.pillsnap.trainer.cli;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerDefaults;
import io.pillsnap.trainer.config.TrainerSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options several commands take, each declared once and added to a command as a {@code @Mixin}.
 * A command that words one its own way says so in its resource bundle, keyed by the option's name
 * without dashes (picocli looks there before the description below).
 */
final class SharedOptions {

    private SharedOptions() {}

    /** {@code --stage}: the PillsnapStage a command works on. */
    static final class Stage {

        @Option(
                names = "--stage",
                required = true,
                paramLabel = "FILE",
                description = "PillsnapStage YAML")
        Path file;

        /** The stage, validated, with the overrides applied. */
        PillsnapStage load(TrainConfig.Overrides overrides) {
            return TrainConfig.loadStage(file, overrides);
        }
    }

    /** {@code --data}: the dataset's root folder. */
    static final class Data {

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset root")
        Path root;
    }

    /** {@code --defaults}: the trainer defaults with their per-stage overrides. */
    static final class Defaults {

        @Option(
                names = "--defaults",
                paramLabel = "FILE",
                description = "Trainer defaults YAML (default: the bundled one)")
        Path file;

        /** The trainer settings of the stage's number, from this file or the bundled one. */
        TrainerSettings forStage(PillsnapStage stage) {
            return TrainerDefaults.forStage(file, stage.getSpec().stage());
        }
    }

    /** {@code --device}: where libtorch computes (train describes it in its bundle). */
    static final class Device {

        @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu")
        String name;
    }
}
