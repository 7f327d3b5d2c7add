package io.pillsnap.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.trainer.TrainerMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code pillsnap-trainer engine} says what libtorch it loaded and which GPU switches apply. */
class EngineCommandTest {

    @Test
    void itPrintsTheEngineTheDevicesAndTheGpuSwitches() {
        StringWriter out = new StringWriter();
        int code = TrainerMain.commandLine().setOut(new PrintWriter(out)).execute("engine");

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("engine: PyTorch")
                .contains("GPUs visible: 0")
                .contains("cuDNN benchmark (autotuning): off (CPU; on when training on a GPU)")
                .contains("TF32: libtorch's default")
                .contains("autocast (mixed precision) and torch.compile: not available");
    }
}
