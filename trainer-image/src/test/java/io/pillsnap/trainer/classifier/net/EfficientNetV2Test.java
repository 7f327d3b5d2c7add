package io.pillsnap.trainer.classifier.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EfficientNetV2Test {

    @ParameterizedTest(name = "{0}: {1} M parameters")
    @CsvSource({"S, 21.5", "M, 54.1", "L, 118.5"})
    void parameterCountsMatchThePublishedOnesWithin1Percent(
            String variant, double publishedMillions) {
        EfficientNetV2Config config =
                switch (variant) {
                    case "S" -> EfficientNetV2Config.S;
                    case "M" -> EfficientNetV2Config.M;
                    default -> EfficientNetV2Config.L;
                };
        EfficientNetV2 model = new EfficientNetV2(config, 1000);

        double millions = model.parameterCount() / 1e6;

        System.out.printf(
                "EfficientNetV2-%s: %.3f M parameters (published %.1f M)%n",
                variant, millions, publishedMillions);
        assertThat(millions).isCloseTo(publishedMillions, within(publishedMillions * 0.01));
    }

    @Test
    void tinyVariantRunsForwardToLogits() {
        EfficientNetV2Config tiny = EfficientNetV2Config.S.scaled(0.25, 0.25);
        EfficientNetV2 model = new EfficientNetV2(tiny, 7);
        try (NDManager manager = NDManager.newBaseManager()) {
            model.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 64, 64));
            NDArray logits =
                    model.forward(
                                    new ParameterStore(manager, false),
                                    new NDList(manager.randomNormal(new Shape(2, 3, 64, 64))),
                                    false)
                            .singletonOrThrow();

            assertThat(logits.getShape()).isEqualTo(new Shape(2, 7));
        }
    }

    @Test
    void namesFollowTheReferenceStateDict() {
        EfficientNetV2 model = new EfficientNetV2(EfficientNetV2Config.S, 1000);

        assertThat(model.namedParameters().keySet())
                .startsWith(
                        "conv_stem.weight",
                        "bn1.weight",
                        "bn1.bias",
                        "bn1.running_mean",
                        "bn1.running_var",
                        "blocks.0.0.conv.weight")
                .contains(
                        "blocks.1.0.conv_exp.weight",
                        "blocks.1.0.conv_pwl.weight",
                        "blocks.3.0.conv_pw.weight",
                        "blocks.3.0.conv_dw.weight",
                        "blocks.3.0.se.conv_reduce.weight",
                        "blocks.5.14.bn3.running_var",
                        "conv_head.weight")
                .endsWith("bn2.running_var", "classifier.weight", "classifier.bias");
    }
}
