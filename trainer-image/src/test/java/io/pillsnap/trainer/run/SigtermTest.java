package io.pillsnap.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.trainer.TrainerMain;
import io.pillsnap.trainer.classifier.ClassifierState;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.testing.TestStageFiles;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trainer process stopped by SIGTERM (preemption) checkpoints, reports, and exits 143. */
class SigtermTest {

    @TempDir Path folder;

    @Test
    void sigtermWritesACheckpointThenExitsNonZero() throws Exception {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 8, 0);
        Path stage = TestStageFiles.write(folder, "sigterm", 6, 48, 200);
        Path run = folder.resolve("run");
        Path termination = folder.resolve("termination-log");
        ProcessBuilder builder =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        "-Dai.djl.offline=true",
                                        "-Dai.djl.pytorch.num_threads=1",
                                        TrainerMain.class.getName(),
                                        "train",
                                        "--stage=" + stage,
                                        "--data=" + data,
                                        "--output=" + run,
                                        "--termination-log=" + termination,
                                        "--device=cpu"))
                        .redirectErrorStream(true);
        builder.environment().put("ONEDNN_MAX_CPU_ISA", "AVX");
        Process process = builder.start();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.contains("epoch 2/200")) {
                // wait until the second epoch is under way
            }
            // Process.destroy() would also close our end of the pipe; the handle only signals
            process.toHandle().destroy();
            while (out.readLine() != null) {
                // drain until exit
            }
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(143);
        ClassifierState state =
                Checkpoints.readState(run.resolve("checkpoints/last"), ClassifierState.class);
        assertThat(state.epochsDone()).isGreaterThanOrEqualTo(1);
        TrainerResult result =
                ((TrainerResultCodec.Decoded.Readable)
                                TrainerResultCodec.decode(Files.readString(termination)))
                        .result();
        assertThat(result.outcome()).isEqualTo(TrainerResult.Outcome.Failed);
        assertThat(result.message()).startsWith("stopped ").contains("checkpoint");
    }
}
