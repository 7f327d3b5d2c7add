package io.pillsnap.trainer.cli;

import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainConfigBuilder;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.run.ImagePreparation;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pillsnap-trainer prepare}: builds a stage's prepared image store ahead of training. */
@Command(
        name = "prepare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        header = "Build the prepared image store of a stage's training pictures.",
        description =
                "Sample the stage as train does and decode, shrink (shorter side imageSize x"
                        + " cacheScale) and store every classifier training picture the store"
                        + " lacks, and for a stage with detection the detector's photos"
                        + " letterboxed to its input size; in parallel on every core (or the"
                        + " trainer defaults' workers), with progress. Stopped, it goes on where"
                        + " it was; a damaged entry is prepared again. Runs of the stage"
                        + " (spec.dataset.imageStore, or imageStore in the trainer defaults) then"
                        + " read the pictures instead of decoding the photos.")
public final class PrepareCommand implements Callable<Integer> {

    @Mixin SharedOptions.Stage stage;

    @Mixin SharedOptions.Data data;

    @Option(
            names = "--image-store",
            required = true,
            paramLabel = "DIR",
            description =
                    "The store folder (on a cluster: /artifacts/<namespace>/<spec.dataset"
                            + ".imageStore>)")
    Path store;

    @Mixin SharedOptions.Defaults defaults;

    @Override
    public Integer call() throws Exception {
        return InputErrors.exitCode(this::prepare);
    }

    private int prepare() {
        PillsnapStage loaded = stage.load(TrainConfig.Overrides.none());
        TrainerSettings configured = defaults.forStage(loaded);
        // no model runs beside the decoding: workers 0 means every core
        TrainerSettings settings =
                configured.workers() > 0
                        ? configured
                        : configured.withWorkers(Runtime.getRuntime().availableProcessors());
        TrainConfig config =
                TrainConfigBuilder.builder()
                        .stage(loaded)
                        .runId("prepare")
                        .data(data.root)
                        .output(store)
                        .progressPort(-1)
                        .device("cpu")
                        .settings(settings)
                        .build();
        ImagePreparation.Summary summary =
                ImagePreparation.build(config, new SyntheticData(config), store);
        System.out.printf(
                Locale.ROOT,
                "%s: %d training pictures, %d entries before, %d now; %d damaged entries"
                        + " prepared again, %d unreadable photos; %.1f s%n",
                summary.store(),
                summary.pictures(),
                summary.alreadyStored(),
                summary.stored(),
                summary.damaged(),
                summary.unreadable(),
                summary.seconds());
        return TrainerExitCode.SUCCEEDED.code();
    }
}
