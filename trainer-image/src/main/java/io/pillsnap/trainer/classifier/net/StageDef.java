package io.pillsnap.trainer.classifier.net;

import io.soabase.recordbuilder.core.RecordBuilder;

/** One row of the EfficientNetV2 table: a stage of identical blocks. */
@RecordBuilder
public record StageDef(
        BlockType type,
        int repeats,
        int kernel,
        int stride,
        int expansion,
        int channels,
        double seRatio)
        implements StageDefBuilder.With {

    static StageDef conv(int repeats, int channels) {
        return new StageDef(BlockType.CONV, repeats, 3, 1, 1, channels, 0);
    }

    static StageDef fused(int repeats, int stride, int expansion, int channels) {
        return new StageDef(BlockType.FUSED_MBCONV, repeats, 3, stride, expansion, channels, 0);
    }

    static StageDef mbconv(int repeats, int stride, int expansion, int channels) {
        return new StageDef(BlockType.MBCONV, repeats, 3, stride, expansion, channels, 0.25);
    }
}
