package io.pillsnap.local;

import io.pillsnap.api.gate.ExportVerdict;
import io.pillsnap.api.gate.GateEvaluator;
import io.pillsnap.api.gate.RunMetrics;
import io.pillsnap.api.text.Texts;
import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.DatasetFormat;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.trainer.TrainerMain;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A stage on this machine, without Kubernetes: what the operator does with a PillsnapStage, in one
 * process. Trains with the trainer (generating synthetic data when the stage asks for it), gates
 * the trainer's result with the operator's criteria code, and serves the exported, verified model
 * with the inference server.
 */
@Command(
        name = "pillsnap-local",
        mixinStandardHelpOptions = true,
        versionProvider = LocalRun.Version.class,
        sortOptions = false,
        header = "Train, gate and serve one PillsnapStage on this machine, without Kubernetes.",
        description = {
            "Runs STAGE_YAML as the operator would: trains (generating the synthetic dataset first"
                    + " when spec.dataset.format is synthetic), evaluates, exports to ONNX and"
                    + " verifies the export, checks spec.successCriteria, and when the gate passes"
                    + " serves the model until Ctrl-C.",
            "",
            "Example: bin/pillsnap-local config/stage-synthetic.yaml",
            "",
            "Exit codes: 0 done (or served until stopped), 1 failed, 2 invalid configuration,"
                    + " 3 invalid data, 4 the gate did not pass (nothing is served)."
        })
public final class LocalRun implements Callable<Integer> {

    /** Exit code when the trained model does not meet the stage's success criteria. */
    public static final int GATE_NOT_PASSED = 4;

    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "STAGE_YAML", description = "A PillsnapStage file")
    Path stageFile;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "Dataset root (the folder holding train/ for AIHub data). Default for"
                            + " synthetic stages: WORK/<stage>/data, generated on first use")
    Path data;

    @Option(
            names = "--work",
            paramLabel = "DIR",
            defaultValue = "pillsnap-local",
            description = "Where data and runs go (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(
            names = "--port",
            defaultValue = "8000",
            description = "Port of the inference server (default: ${DEFAULT-VALUE}; 0: any free)")
    int port;

    @Option(names = "--no-serve", description = "Stop after the gate instead of serving")
    boolean noServe;

    @Option(
            names = "--device",
            defaultValue = "auto",
            paramLabel = "auto|cpu|gpu",
            description = "Where to train (default: a GPU when libtorch sees one)")
    String device;

    @Option(names = "--epochs", description = "Override spec.training.epochs")
    Integer epochs;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile InferenceServer server;

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        NativeDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new LocalRun()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        PillsnapStage stage;
        try {
            stage = TrainConfig.loadStage(stageFile, TrainConfig.Overrides.none());
        } catch (ConfigException e) {
            return refuse(TrainerExitCode.INVALID_CONFIGURATION, e.getMessage());
        }
        String name = stage.getMetadata().getName();
        Path stageDir = work.resolve(name).toAbsolutePath();
        Path dataset = data;
        if (dataset == null) {
            if (stage.getSpec().dataset().format() != DatasetFormat.SYNTHETIC) {
                return refuse(
                        TrainerExitCode.INVALID_CONFIGURATION,
                        "stage "
                                + name
                                + " reads "
                                + stage.getSpec().dataset().format()
                                + " data: give its folder with --data DIR (the folder holding"
                                + " train/; see README, section Data)");
            }
            dataset = stageDir.resolve("data");
        }
        String runId =
                "local-"
                        + LocalDateTime.now()
                                .format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path run = stageDir.resolve("runs").resolve(runId);

        step(out, 1, "train", "stage " + name + ", run " + run);
        int code = TrainerMain.commandLine().execute(trainArguments(dataset, run, runId));
        if (code != 0) {
            out.printf(
                    "training stopped with exit code %d (%s); the run folder %s keeps what was"
                            + " written%n",
                    code, TrainerExitCode.of(code).map(Enum::name).orElse("failed"), run);
            out.flush();
            return code;
        }
        TrainerResult result = readResult(run);
        Duration training = Duration.ofNanos(System.nanoTime() - started);

        step(out, 2, "gate", "spec.successCriteria of " + stageFile);
        GateStatus gate =
                GateEvaluator.evaluate(
                        stage.getSpec().successCriteria(),
                        RunMetrics.of(result),
                        ExportVerdict.of(result, stage.getSpec().tasks()),
                        stage.getMetadata().getGeneration() == null
                                ? 1
                                : stage.getMetadata().getGeneration());
        GateReport.print(out, gate, result);
        GateReport.printCalibration(out, run);
        Path report = run.resolve("report/index.html");
        if (Files.isRegularFile(report)) {
            out.printf("evaluation report: %s%n", report.toUri());
        }
        out.printf(
                "data, training, evaluation, export and gate took %s%n",
                Texts.duration(training.toSeconds()));
        if (gate.result() != GateResult.Passed) {
            out.printf(
                    "not promoted: %s. The run is in %s; a model that fails its gate is not"
                            + " served.%n",
                    gate.summary(), run);
            out.flush();
            return GATE_NOT_PASSED;
        }
        if (noServe) {
            out.printf("promoted; --no-serve: the model is in %s%n", run);
            out.flush();
            return 0;
        }
        if (!stage.getSpec().tasks().contains(Task.CLASSIFICATION)) {
            out.printf(
                    "promoted; not served: the server answers with a classifier, and this stage"
                            + " trains only the detector (detector.onnx is in %s)%n",
                    run);
            out.flush();
            return 0;
        }

        step(out, 3, "serve", "the exported model of " + runId);
        return serve(out, run, dataset);
    }

    private String[] trainArguments(Path dataset, Path run, String runId) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--stage=" + stageFile,
                                "--data=" + dataset,
                                "--output=" + run,
                                "--run-id=" + runId,
                                "--termination-log=" + run.resolve("termination-log"),
                                "--device=" + device));
        if (epochs != null) {
            args.add("--epochs=" + epochs);
        }
        return args.toArray(String[]::new);
    }

    private static TrainerResult readResult(Path run) throws IOException {
        TrainerResultCodec.Decoded decoded =
                TrainerResultCodec.decode(Files.readString(run.resolve("result.json")));
        if (decoded instanceof TrainerResultCodec.Decoded.Readable readable) {
            return readable.result();
        }
        throw new IllegalStateException(
                run.resolve("result.json") + " is not a trainer result: " + decoded);
    }

    private int serve(PrintWriter out, Path run, Path dataset) throws InterruptedException {
        try {
            server =
                    InferenceServer.start(
                            ServerSettings.builder(run)
                                    .port(port)
                                    .reloadRoot(run.getParent())
                                    .build());
        } catch (RuntimeException e) {
            out.printf(
                    "cannot start the inference server on port %d: %s. The promoted model is in"
                            + " %s; serve it on a free port with: java -jar"
                            + " inference-image/target/pillsnap-inference.jar --model-dir %s"
                            + " --port N%n",
                    port, Texts.rootMessage(e), run, run);
            out.flush();
            return TrainerExitCode.FAILED.code();
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "pillsnap-local-stop"));
        if (server.models().current().isEmpty()) {
            out.printf("the server cannot serve %s: %s%n", run, server.models().unreadyReason());
            out.flush();
            stop();
            return TrainerExitCode.FAILED.code();
        }
        String url = "http://localhost:" + server.port();
        if (server.models().require().detector().isPresent()) {
            out.printf(
                    "%nserving the classifier and the detector: mode=combo finds every pill of a"
                            + " photo and names each:%n"
                            + "  curl -F image=@%s '%s/v1/predict?mode=combo'%n",
                    SampleImage.combination(dataset).map(Path::toString).orElse("pills.png"), url);
        }
        out.printf(
                "%nserving %s at %s%n"
                        + "  open %s/ in a browser and upload a photo, or:%n"
                        + "  curl -F image=@%s %s/v1/predict%n"
                        + "  model card: %s/v1/model   metrics: %s/metrics%n"
                        + "Ctrl-C stops the server.%n",
                server.models().require().manifest().version(),
                url,
                url,
                SampleImage.find(run, dataset).map(Path::toString).orElse("photo.png"),
                url,
                url,
                url);
        out.flush();
        stopped.await();
        return 0;
    }

    /** Stops serving; the command then returns. */
    public void stop() {
        InferenceServer running = server;
        if (running != null) {
            running.close();
        }
        stopped.countDown();
    }

    /** The port being served, once serving. */
    public int servingPort() {
        InferenceServer running = server;
        return running == null ? -1 : running.port();
    }

    private static void step(PrintWriter out, int number, String name, String detail) {
        out.printf("%n=== [%d/3] %s: %s%n", number, name, detail);
        out.flush();
    }

    private int refuse(TrainerExitCode code, String message) {
        spec.commandLine().getErr().println("pillsnap-local: " + message);
        spec.commandLine().getErr().flush();
        return code.code();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LocalRun.class.getPackage().getImplementationVersion();
            return new String[] {"pillsnap-local " + (version == null ? "dev" : version)};
        }
    }
}
