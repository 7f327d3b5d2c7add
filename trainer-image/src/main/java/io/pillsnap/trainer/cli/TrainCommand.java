package io.pillsnap.trainer.cli;

import io.pillsnap.api.artifact.Digests;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.ClassifierFlavour;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainConfigBuilder;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.data.DataException;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.engine.StopSignal;
import io.pillsnap.trainer.engine.StoppedException;
import io.pillsnap.trainer.run.ManifestWriter;
import io.pillsnap.trainer.run.RunOutcome;
import io.pillsnap.trainer.run.TrainingRun;
import io.pillsnap.trainer.runtime.Devices;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pillsnap-trainer train}: one run of a stage, from data to model card and result. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        header = "Train, evaluate and export one stage's classifier.",
        sortOptions = false,
        resourceBundle = "io.pillsnap.trainer.cli.TrainCommand",
        description = {
            "Train a stage's classifier, evaluate it on held-out data, and write the run folder:",
            "checkpoints, metrics.json, report/, tensorboard/, manifest.json and result.json.",
            "The result is also the container's termination message, which the operator reads.",
            "",
            "Example (a synthetic stage on CPU):",
            "  pillsnap-trainer synth --output data/synth --classes 50 --images 5000",
            "  pillsnap-trainer train --stage config/stage-synthetic.yaml --data data/synth --output runs/demo"
        })
public final class TrainCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin SharedOptions.Stage stage;

    @Mixin SharedOptions.Data data;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR",
            description = "Run folder to write")
    Path output;

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description = "Run id recorded in the outputs (default: local-<time>)")
    String runId;

    @Option(
            names = "--resume-from",
            paramLabel = "DIR",
            description = "Checkpoint folder to continue from (a missing one starts fresh)")
    Path resumeFrom;

    @Option(
            names = "--init-from",
            paramLabel = "DIR",
            description = "Run folder or checkpoint whose weights start the model (warm start)")
    Path initFrom;

    @Option(
            names = "--progress-port",
            defaultValue = "-1",
            paramLabel = "PORT",
            description = "Serve /progress and /metrics here (-1: off, 0: any free port)")
    int progressPort;

    @Option(
            names = "--termination-log",
            paramLabel = "FILE",
            description =
                    "Where to write the result message (default: /dev/termination-log when present)")
    Path terminationLog;

    @Mixin SharedOptions.Defaults defaults;

    @Mixin SharedOptions.Device device;

    @Option(
            names = "--torch-threads",
            paramLabel = "N",
            description =
                    "libtorch intra-op threads (default: all cores); 1 makes CPU runs bit-for-bit reproducible")
    Integer torchThreads;

    @Option(names = "--epochs", description = "Override spec.training.epochs")
    Integer epochs;

    @Option(
            names = "--batch-size",
            paramLabel = "auto|N",
            description = "Override spec.training.batchSize")
    String batchSize;

    @Option(names = "--image-size", description = "Override spec.model.classifier.imageSize")
    Integer imageSize;

    @Option(
            names = "--width-multiplier",
            description = "Override spec.model.classifier.widthMultiplier")
    Double widthMultiplier;

    @Option(
            names = "--depth-multiplier",
            description = "Override spec.model.classifier.depthMultiplier")
    Double depthMultiplier;

    @Option(names = "--learning-rate", description = "Override spec.training.learningRate")
    Double learningRate;

    @Option(
            names = "--pretrained",
            paramLabel = "FILE",
            description =
                    "Override spec.model.classifier.pretrained: a .safetensors or .pth state dict"
                            + " (timm or torchvision names) to start from")
    String pretrained;

    @Option(
            names = "--flavour",
            paramLabel = "timm|timm-tf|torchvision",
            description = "Override spec.model.classifier.flavour")
    String flavour;

    @Option(
            names = "--max-batches",
            paramLabel = "N",
            description = "Train at most N batches per epoch (smoke runs)")
    Integer maxBatches;

    @Override
    public Integer call() {
        String id =
                runId != null
                        ? runId
                        : "local-"
                                + LocalDateTime.now()
                                        .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (torchThreads != null) {
            // read by DJL when libtorch starts, which is later than this
            System.setProperty("ai.djl.pytorch.num_threads", torchThreads.toString());
        }
        StopSignal stop = StopSignal.onSigterm(Duration.ofSeconds(90));
        try {
            TrainConfig config = config(id);
            RunOutcome result = TrainingRun.run(config, stop, new SyntheticData(config));
            RunDirectory dir = new RunDirectory(result.runDirectory());
            ManifestWriter.write(dir, config, result, result.classMapSha256(), result.models());
            List<ArtifactFile> files = new ArrayList<>();
            files.add(
                    new ArtifactFile(
                            "manifest",
                            "manifest.json",
                            Digests.sha256(dir.file("manifest.json"))));
            result.models()
                    .forEach(m -> files.add(new ArtifactFile(m.role(), m.file(), m.sha256())));
            ResultMessage.write(
                    ResultMessage.succeeded(result, result.classMapSha256(), files),
                    terminationLog,
                    output);
            if (result.detector() != null && !result.detector().exportCheck().passed()) {
                log.error(
                        "the exported detector does not match the trained one (max abs head"
                                + " difference {}, {} of {} boxes matched): a stage's gate"
                                + " rejects it",
                        result.detector().exportCheck().maxAbsDiff(),
                        result.detector().exportCheck().matchedBoxes(),
                        result.detector().exportCheck().boxes());
            }
            if (result.exportCheck() != null && !result.exportCheck().passed()) {
                log.error(
                        "the exported model does not match the trained one (max abs logit"
                                + " difference {}, allowed {}, top-1 agreement {}): a stage's"
                                + " gate rejects it; raise export.maxAbsDiff in the trainer"
                                + " defaults only if the top-1 agreement is 1.0",
                        result.exportCheck().maxAbsDiff(),
                        ExportCheck.allowed(
                                result.exportCheck().tolerance(),
                                result.exportCheck().largestLogit()),
                        result.exportCheck().top1Agreement());
            }
            return TrainerExitCode.SUCCEEDED.code();
        } catch (ConfigException e) {
            return fail(
                    id,
                    TrainerExitCode.INVALID_CONFIGURATION,
                    "invalid configuration: " + e.getMessage());
        } catch (DataException e) {
            return fail(id, TrainerExitCode.INVALID_DATA, "invalid data: " + e.getMessage());
        } catch (StoppedException e) {
            return fail(id, TrainerExitCode.TERMINATED, e.getMessage());
        } catch (RuntimeException e) {
            log.error("training failed", e);
            return fail(id, TrainerExitCode.FAILED, "training failed: " + e);
        } catch (LinkageError e) {
            // libtorch, OpenCV or ONNX Runtime did not load (an image that misplaced them): say
            // so in the result, which is all the operator sees of a pod
            log.error("a native library did not load", e);
            return fail(id, TrainerExitCode.FAILED, nativeLibraryMessage(e));
        } finally {
            stop.settle();
        }
    }

    private TrainConfig config(String id) {
        TrainConfig.Overrides overrides =
                new TrainConfig.Overrides(
                        epochs,
                        batchSize,
                        imageSize,
                        widthMultiplier,
                        depthMultiplier,
                        learningRate,
                        pretrained,
                        flavour == null ? null : flavour(flavour));
        PillsnapStage loaded = stage.load(overrides);
        TrainerSettings configured = defaults.forStage(loaded);
        boolean gpu = Devices.choose(device.name).isGpu();
        TrainerSettings settings = configured.forDevice(gpu);
        log.info(
                "{} loader workers ({})",
                settings.workers(),
                configured.workers() > 0
                        ? "workers in the trainer defaults"
                        : gpu ? "auto: all cores but one beside a GPU" : "auto: half the cores");
        log.info(
                "training augmentation {} (placement: {})",
                settings.augmentation().onDevice(gpu)
                        ? "on the model's device, the loader threads read pictures"
                        : "by the loader threads",
                settings.augmentation().placement() == null
                        ? "auto"
                        : settings.augmentation().placement());
        if (maxBatches != null && maxBatches < 1) {
            throw new ConfigException("--max-batches must be at least 1");
        }
        return TrainConfigBuilder.builder()
                .stage(loaded)
                .runId(id)
                .data(data.root)
                .output(output)
                .resumeFrom(resumeFrom)
                .initFrom(initFrom)
                .progressPort(progressPort)
                .maxBatches(maxBatches)
                .device(device.name)
                .settings(settings)
                .build();
    }

    private static ClassifierFlavour flavour(String key) {
        for (ClassifierFlavour candidate : ClassifierFlavour.values()) {
            if (candidate.key().equals(key)) {
                return candidate;
            }
        }
        throw new ConfigException("--flavour must be timm, timm-tf or torchvision, not " + key);
    }

    static String nativeLibraryMessage(LinkageError error) {
        StringBuilder causes = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                causes.append(causes.length() == 0 ? "" : " <- ").append(cause.getMessage());
            }
        }
        return "the trainer's native libraries did not load ("
                + (causes.length() == 0 ? error.toString() : causes)
                + "): `pillsnap-trainer engine` in the trainer image shows where libtorch is"
                + " looked for (DJL_CACHE_DIR, PYTORCH_VERSION, PYTORCH_FLAVOR, DJL_OFFLINE)";
    }

    private int fail(String id, TrainerExitCode code, String message) {
        log.error(message);
        ResultMessage.write(ResultMessage.failed(id, message), terminationLog, output);
        return code.code();
    }
}
