package io.pillsnap.trainer.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GpuSwitchesTest {

    @Test
    void theLogSaysWhetherTf32MatrixMultipliesAreOn() {
        assertThat(GpuSwitches.describe(true, false, "1"))
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith("TF32: on for matrix multiplies")
                                        .contains("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1"));
        assertThat(GpuSwitches.describe(true, true, null))
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .startsWith("TF32: libtorch's default (matmul float32"))
                .anySatisfy(
                        line -> assertThat(line).startsWith("cuDNN benchmark (autotuning): off"));
    }
}
