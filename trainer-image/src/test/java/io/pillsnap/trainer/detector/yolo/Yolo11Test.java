package io.pillsnap.trainer.detector.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** YOLO11 as published: parameter counts of every scale and the reference's tensor names. */
class Yolo11Test {

    @Test
    void everyScaleHasThePublishedParameterCount() {
        // Ultralytics' figures for 80 classes, unfused (m: the yaml's 20,114,688; 20.1 M quoted)
        Map<Yolo11Config, Long> published =
                Map.of(
                        Yolo11Config.N, 2_624_080L,
                        Yolo11Config.S, 9_458_752L,
                        Yolo11Config.M, 20_114_688L,
                        Yolo11Config.L, 25_372_160L,
                        Yolo11Config.X, 56_966_176L);

        published.forEach(
                (config, count) ->
                        assertThat(new Yolo11(config, 80).parameterCount())
                                .as(config.name())
                                .isCloseTo(count, within(count / 100))
                                .isEqualTo(count));
    }

    @Test
    void tensorNamesAndShapesOfYolo11nAreTheReferences() throws IOException {
        Map<String, String> reference = referenceStateDict();
        Map<String, String> ours =
                new Yolo11(Yolo11Config.N, 80)
                        .namedParameters().entrySet().stream()
                                .collect(
                                        Collectors.toMap(
                                                Map.Entry::getKey,
                                                e -> dims(e.getValue()),
                                                (a, b) -> a,
                                                LinkedHashMap::new));

        // the reference also lists BatchNorm's num_batches_tracked counters, which hold no weights
        reference.keySet().removeIf(name -> name.endsWith("num_batches_tracked"));
        assertThat(ours).containsExactlyEntriesOf(reference);
    }

    @Test
    void aSmallDetectorRunsForwardToTheRawHeadLayout() {
        Yolo11 model = new Yolo11(Yolo11Config.N.scaled(0.5, 0.5), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 96, 96));
            NDArray out =
                    model.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(
                                            manager.randomUniform(0f, 1f, new Shape(2, 3, 96, 96))),
                                    false)
                            .singletonOrThrow();

            // 64 box-bin logits + 1 class; anchors 12x12 + 6x6 + 3x3 = 189
            assertThat(out.getShape()).isEqualTo(new Shape(2, 65, 189));
            assertThat(model.getOutputShapes(new Shape[] {new Shape(2, 3, 96, 96)})[0])
                    .isEqualTo(out.getShape());
            // the class bias starts where the reference puts it, a prior of about 5 objects per
            // 640-pixel image (ln(5 / 6400) = -7.2 at stride 8): untrained, nothing is a pill yet
            float[] logits = out.get(":, 64, :").toFloatArray();
            double mean = 0;
            for (float v : logits) {
                mean += v / logits.length;
            }
            assertThat(mean).isLessThan(-3);
        }
    }

    @Test
    void convolutionWeightsStartAsPyTorchsDefaultUniformWithinOneOverRootFanIn() {
        Yolo11 model = new Yolo11(Yolo11Config.N.scaled(0.5, 0.5), 1);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            int checked = 0;
            for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
                if (!entry.getKey().endsWith(".conv.weight") || entry.getKey().contains(".dfl.")) {
                    continue;
                }
                long[] shape = entry.getValue().getShape().getShape();
                double bound = 1 / Math.sqrt(shape[1] * shape[2] * shape[3]);
                float[] values = entry.getValue().getArray().toFloatArray();
                double max = 0;
                for (float v : values) {
                    max = Math.max(max, Math.abs(v));
                }
                // uniform within the bound and reaching near it (He-normal on fan-out would not)
                assertThat(max).as(entry.getKey()).isLessThanOrEqualTo(bound + 1e-7);
                if (values.length >= 1000) {
                    assertThat(max).as(entry.getKey()).isGreaterThan(0.95 * bound);
                }
                checked++;
            }
            assertThat(checked).isGreaterThan(50);
        }
    }

    @Test
    void upsamplingRepeatsEachPixelAndSumsItsGradientBack() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.arange(0f, 2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
            NDArray up = Yolo11.upsample(x);

            assertThat(up.getShape()).isEqualTo(new Shape(2, 3, 8, 10));
            assertThat(up.toFloatArray())
                    .containsExactly(x.repeat(2, 2).repeat(3, 2).toFloatArray());

            x.setRequiresGradient(true);
            try (ai.djl.training.GradientCollector collector =
                    ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray weights = manager.randomUniform(0f, 1f, new Shape(2, 3, 8, 10));
                collector.backward(Yolo11.upsample(x).mul(weights).sum());
                NDArray expected = weights.reshape(2, 3, 4, 2, 5, 2).sum(new int[] {3, 5});
                float[] gradient = x.getGradient().toFloatArray();
                float[] sums = expected.toFloatArray();
                for (int i = 0; i < sums.length; i++) {
                    assertThat(gradient[i]).isCloseTo(sums[i], within(1e-5f));
                }
            }
        }
    }

    private static String dims(Parameter parameter) {
        long[] shape = parameter.getShape().getShape();
        return shape.length == 0
                ? "scalar"
                : Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
    }

    private static Map<String, String> referenceStateDict() throws IOException {
        try (InputStream in =
                Yolo11Test.class.getResourceAsStream("/detector/yolo11n-80-state-dict.txt")) {
            Map<String, String> names = new LinkedHashMap<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .forEach(
                            line -> {
                                String[] parts = line.trim().split("\\s+");
                                names.put(parts[0], parts[1]);
                            });
            return names;
        }
    }
}
