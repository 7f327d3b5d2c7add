package io.pillsnap.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.trainer.TrainerMain;
import io.pillsnap.trainer.testing.TestStageFiles;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's exit codes and result messages, as the operator sees them. */
class TrainCommandTest {

    @TempDir Path folder;

    @Test
    void missingStageFileIsAnInvalidConfiguration() throws IOException {
        int code = train(folder.resolve("nope.yaml"), folder);

        assertThat(code).isEqualTo(2);
        assertThat(result().outcome()).isEqualTo(TrainerResult.Outcome.Failed);
        assertThat(result().message())
                .startsWith("invalid configuration: stage file")
                .contains("does not exist");
    }

    @Test
    void thresholdOutsideItsRangeIsAnInvalidConfiguration() throws IOException {
        Path stage = TestStageFiles.write(folder, "bad", 6, 48, 1);
        Files.writeString(
                stage, Files.readString(stage).replace("threshold: 0.1", "threshold: 1.5"));

        assertThat(train(stage, folder)).isEqualTo(2);
        assertThat(result().message())
                .contains("the threshold of top1 must be within [0, 1], is 1.5");
    }

    @Test
    void dataWithoutTheAihubLayoutIsInvalidData() throws IOException {
        Path stage = TestStageFiles.write(folder, "empty", 6, 48, 1);
        Path data = Files.createDirectories(folder.resolve("empty-data"));

        assertThat(train(stage, data)).isEqualTo(3);
        assertThat(result().message())
                .startsWith("invalid data: dataset path")
                .contains("has no train/labels/single folder");
    }

    @Test
    void aPretrainedFileThatIsNotAStateDictIsAnInvalidConfiguration() throws Exception {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 8, 0);
        Path stage = TestStageFiles.write(folder, "pretrained", 6, 48, 1);
        Path pickled =
                Path.of(getClass().getResource("/weights/pickle_runs_os_system.pth").toURI());

        int code = train(stage, data, "--pretrained=" + pickled, "--flavour=timm");

        assertThat(code).isEqualTo(2);
        assertThat(result().message())
                .startsWith("invalid configuration:")
                .contains("holds a pickled object of type posix.system")
                .contains("no pickle code is ever run");
    }

    @Test
    void aMissingPretrainedFileSaysWhereItWasLookedFor() throws IOException {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 8, 0);
        Path stage = TestStageFiles.write(folder, "missing", 6, 48, 1);

        int code =
                train(stage, data, "--pretrained=pretrained/nope.safetensors", "--flavour=timm-tf");

        assertThat(code).isEqualTo(2);
        assertThat(result().message())
                .contains(data.resolve("pretrained/nope.safetensors") + " does not exist")
                .contains("read from the dataset folder");
    }

    @Test
    void libtorchThatCannotBeLoadedIsAFailedResultNamingTheCause() throws Exception {
        // a trainer JVM of its own: libtorch loads once per JVM, and this one must not find it
        // (an image whose DJL cache the pod's settings hid; found by e2e/images.sh)
        Path stage = TestStageFiles.write(folder, "native", 6, 48, 1);
        Path data = Files.createDirectories(folder.resolve("data"));
        ProcessBuilder trainer =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                TrainerMain.class.getName(),
                                "train",
                                "--stage=" + stage,
                                "--data=" + data,
                                "--output=" + folder.resolve("run"),
                                "--termination-log=" + folder.resolve("termination-log"),
                                "--device=cpu")
                        .redirectErrorStream(true)
                        .redirectOutput(folder.resolve("trainer.log").toFile());
        trainer.environment().put("DJL_CACHE_DIR", folder.resolve("empty-cache").toString());
        trainer.environment().put("PYTORCH_VERSION", "2.0.0");
        trainer.environment().put("DJL_OFFLINE", "true");

        int code = trainer.start().waitFor();

        assertThat(code).as(Files.readString(folder.resolve("trainer.log"))).isEqualTo(1);
        assertThat(result().outcome()).isEqualTo(TrainerResult.Outcome.Failed);
        assertThat(result().message())
                .startsWith("the trainer's native libraries did not load (")
                .contains("Offline mode is enabled")
                .contains("pillsnap-trainer engine");
    }

    @Test
    void helpExplainsTheCommandsAndExitCodes() {
        StringWriter out = new StringWriter();
        int code = TrainerMain.commandLine().setOut(new PrintWriter(out)).execute("--help");

        assertThat(code).isZero();
        String help = out.toString().replaceAll("\\s+", " ");
        assertThat(help)
                .contains("synth Generate a synthetic pill dataset")
                .contains("train Train, evaluate and export")
                .contains("evaluate Evaluate a run's checkpoint")
                .contains(
                        "Exit codes: 0 done, 1 failed (retried), 2 invalid configuration, 3 invalid data");
    }

    private int train(Path stage, Path data, String... options) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "train",
                                "--stage=" + stage,
                                "--data=" + data,
                                "--output=" + folder.resolve("run"),
                                "--termination-log=" + folder.resolve("termination-log"),
                                "--device=cpu"));
        args.addAll(List.of(options));
        return TrainerMain.commandLine().execute(args.toArray(String[]::new));
    }

    private TrainerResult result() throws IOException {
        return ((TrainerResultCodec.Decoded.Readable)
                        TrainerResultCodec.decode(
                                Files.readString(folder.resolve("termination-log"))))
                .result();
    }
}
