package io.pillsnap.trainer.classifier.net;

import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.api.v1alpha1.spec.ClassifierArch;
import io.pillsnap.api.v1alpha1.spec.ClassifierSpec;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.List;

/**
 * The EfficientNetV2 S, M and L tables of Tan and Le (2021), as in the reference implementations
 * (timm's efficientnetv2_s/m/l), with width and depth multipliers for small CPU variants.
 */
@RecordBuilder
public record EfficientNetV2Config(
        String name,
        int stemChannels,
        List<StageDef> stages,
        int headChannels,
        double dropout,
        double dropPathRate,
        ModelFlavour flavour)
        implements EfficientNetV2ConfigBuilder.With {

    private static final int CHANNEL_DIVISOR = 8;

    public static final EfficientNetV2Config S =
            new EfficientNetV2Config(
                    "efficientnetv2-s",
                    24,
                    List.of(
                            StageDef.conv(2, 24),
                            StageDef.fused(4, 2, 4, 48),
                            StageDef.fused(4, 2, 4, 64),
                            StageDef.mbconv(6, 2, 4, 128),
                            StageDef.mbconv(9, 1, 6, 160),
                            StageDef.mbconv(15, 2, 6, 256)),
                    1280,
                    0.2,
                    0.2,
                    ModelFlavour.timm());

    public static final EfficientNetV2Config M =
            new EfficientNetV2Config(
                    "efficientnetv2-m",
                    24,
                    List.of(
                            StageDef.conv(3, 24),
                            StageDef.fused(5, 2, 4, 48),
                            StageDef.fused(5, 2, 4, 80),
                            StageDef.mbconv(7, 2, 4, 160),
                            StageDef.mbconv(14, 1, 6, 176),
                            StageDef.mbconv(18, 2, 6, 304),
                            StageDef.mbconv(5, 1, 6, 512)),
                    1280,
                    0.3,
                    0.2,
                    ModelFlavour.timm());

    public static final EfficientNetV2Config L =
            new EfficientNetV2Config(
                    "efficientnetv2-l",
                    32,
                    List.of(
                            StageDef.conv(4, 32),
                            StageDef.fused(7, 2, 4, 64),
                            StageDef.fused(7, 2, 4, 96),
                            StageDef.mbconv(10, 2, 4, 192),
                            StageDef.mbconv(19, 1, 6, 224),
                            StageDef.mbconv(25, 2, 6, 384),
                            StageDef.mbconv(7, 1, 6, 640)),
                    1280,
                    0.4,
                    0.2,
                    ModelFlavour.timm());

    public static EfficientNetV2Config of(ClassifierArch arch) {
        return switch (arch) {
            case EFFICIENTNETV2_S -> S;
            case EFFICIENTNETV2_M -> M;
            case EFFICIENTNETV2_L -> L;
        };
    }

    /**
     * The variant named by a stage's classifier spec, scaled, regularised and in the flavour it
     * says.
     */
    public static EfficientNetV2Config of(ClassifierSpec spec) {
        return of(spec.arch())
                .scaled(spec.widthMultiplier(), spec.depthMultiplier())
                .withRegularisation(spec.dropout(), spec.dropPathRate())
                .withFlavour(spec.flavour().resolve(spec.arch()));
    }

    /**
     * Channels times {@code width} rounded to multiples of 8, repeats times {@code depth} rounded
     * up.
     */
    public EfficientNetV2Config scaled(double width, double depth) {
        if (width == 1.0 && depth == 1.0) {
            return this;
        }
        List<StageDef> scaledStages =
                stages.stream()
                        .map(
                                row ->
                                        row.withRepeats((int) Math.ceil(row.repeats() * depth))
                                                .withChannels(
                                                        roundChannels(row.channels() * width)))
                        .toList();
        return with(
                scaledConfig ->
                        scaledConfig
                                .name(name + "-w" + width + "-d" + depth)
                                .stemChannels(roundChannels(stemChannels * width))
                                .stages(scaledStages)
                                .headChannels(roundChannels(headChannels * width)));
    }

    public EfficientNetV2Config withRegularisation(double dropout, double dropPathRate) {
        return withDropout(dropout).withDropPathRate(dropPathRate);
    }

    public int blockCount() {
        return stages.stream().mapToInt(StageDef::repeats).sum();
    }

    /** Rounds like the reference implementations: to a multiple of 8, never 10% below. */
    static int roundChannels(double channels) {
        int rounded =
                Math.max(
                        CHANNEL_DIVISOR,
                        (int) (channels + CHANNEL_DIVISOR / 2.0)
                                / CHANNEL_DIVISOR
                                * CHANNEL_DIVISOR);
        if (rounded < 0.9 * channels) {
            rounded += CHANNEL_DIVISOR;
        }
        return rounded;
    }
}
