package io.pillsnap.trainer.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.nn.Block;
import io.pillsnap.trainer.classifier.net.EfficientNetV2;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.detector.yolo.Yolo11;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The check that libtorch computes a network's convolutions right: its plain sums, that it finds
 * wrong results, that the networks we ship pass it under the trainer's default instruction set, and
 * what it does where oneDNN is wrong.
 */
class ConvolutionCheckTest {

    static {
        NativeDefaults.loadLibtorch();
    }

    @Test
    void thePlainSumsAreTheConvolutionsDefinition() {
        // 2 input channels, 2 groups of 1 -> 2, a 3x3 kernel, stride 2, padding 1, on 5 x 5
        ConvolutionCheck.Kind kind = new ConvolutionCheck.Kind(2, 4, 3, 2, 1, 2);
        var conv = new ConvolutionCheck.Convolution(kind, 1, 5, new Random(1));
        assertThat(conv.out).isEqualTo(3);
        // output (b 0, o 3, y 1, x 2): group 1 reads input channel 1 at rows 1..3, columns 3..5
        // (column 5 is padding)
        double expected = 0;
        for (int ky = 0; ky < 3; ky++) {
            for (int kx = 0; kx < 2; kx++) {
                expected +=
                        (double) conv.x[25 + (1 + ky) * 5 + 3 + kx] * conv.w[3 * 9 + ky * 3 + kx];
            }
        }
        assertThat(conv.output(3 * 9 + 1 * 3 + 2)[0]).isCloseTo(expected, within(1e-12));
        // the input gradient at (channel 0, y 2, x 2): outputs (1,1) with tap (1,1), of outputs
        // 0 and 1 (group 0)
        double gradient =
                conv.g[0 * 9 + 4] * (double) conv.w[0 * 9 + 4]
                        + conv.g[1 * 9 + 4] * (double) conv.w[1 * 9 + 4];
        assertThat(conv.inputGradient(2 * 5 + 2)[0]).isCloseTo(gradient, within(1e-12));
        // the weight gradient of (o 0, tap 0,0): the outputs whose tap (0,0) lands inside
        double weight = 0;
        for (int oy = 0; oy < 3; oy++) {
            for (int ox = 0; ox < 3; ox++) {
                int iy = oy * 2 - 1;
                int ix = ox * 2 - 1;
                if (iy >= 0 && ix >= 0) {
                    weight += conv.g[oy * 3 + ox] * (double) conv.x[iy * 5 + ix];
                }
            }
        }
        assertThat(conv.weightGradient(0)[0]).isCloseTo(weight, within(1e-12));
    }

    @Test
    void findsAConvolutionComputedWrong() {
        ConvolutionCheck.Kind kind = new ConvolutionCheck.Kind(8, 8, 3, 1, 1, 1);
        var conv = new ConvolutionCheck.Convolution(kind, 2, 8, new Random(2));
        float[] y = new float[2 * 8 * 8 * 8];
        float[] dx = new float[conv.x.length];
        float[] dw = new float[conv.w.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) conv.output(i)[0];
        }
        for (int i = 0; i < dx.length; i++) {
            dx[i] = (float) conv.inputGradient(i)[0];
        }
        for (int i = 0; i < dw.length; i++) {
            dw[i] = (float) conv.weightGradient(i)[0];
        }

        assertThat(conv.compare(y, dx, dw, new Random(3))).isNull();
        // one of nine kernel taps left out, as oneDNN did: every output a little off
        float[] missingTap = y.clone();
        for (int i = 0; i < y.length; i++) {
            missingTap[i] -= 0.05f;
        }
        ConvolutionCheck.Failure failure = conv.compare(missingTap, dx, dw, new Random(3));
        assertThat(failure).isNotNull();
        assertThat(failure.forward()).isCloseTo(0.05, within(1e-6));
        assertThat(failure.inputGradient()).isLessThan(1e-5);
        assertThat(failure.toString()).startsWith("8 -> 8 channels 3x3 stride 1 (off by 0.05");
    }

    @Test
    void libtorchComputesTheShippedNetworksConvolutionsRightUnderTheTrainersDefault() {
        List<Block> networks =
                List.of(
                        new EfficientNetV2(EfficientNetV2Config.S, 50),
                        new EfficientNetV2(EfficientNetV2Config.S.scaled(0.25, 0.25), 50),
                        new Yolo11(Yolo11Config.N, 1),
                        new Yolo11(Yolo11Config.S, 1),
                        new Yolo11(Yolo11Config.N.scaled(0.5, 0.5), 1));
        List<ConvolutionCheck.Failure> failures = new ArrayList<>();
        int kinds = 0;
        for (Block network : networks) {
            Set<ConvolutionCheck.Kind> of = ConvolutionCheck.kindsOf(network);
            kinds += of.size();
            failures.addAll(ConvolutionCheck.check(of));
        }

        assertThat(kinds).isGreaterThan(30);
        assertThat(failures)
                .as("under ONEDNN_MAX_CPU_ISA=AVX (the pom's, as the trainer's)")
                .isEmpty();
    }

    /**
     * In a JVM of its own under the full instruction set: where oneDNN computes a 24-channel 3x3
     * convolution wrong (this project's AVX-512 machine), the check switches oneDNN off and the
     * convolution is then right; where it computes it right, oneDNN stays on.
     */
    @Test
    void switchesOneDnnOffWhereItComputesWrong() throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Dai.djl.offline=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                ConvolutionCheckProbe.class.getName())
                        .redirectErrorStream(true);
        builder.environment().put("ONEDNN_MAX_CPU_ISA", "ALL");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        assertThat(output).contains("after: []");
        if (output.contains("before: []")) {
            assertThat(output).contains("oneDNN on: true");
        } else {
            assertThat(output)
                    .contains("before: [24 -> 24 channels 3x3 stride 1 (off by")
                    .contains("oneDNN on: false");
        }
    }
}
