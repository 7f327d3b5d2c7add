package io.pillsnap.trainer.classifier.net;

/** Block types of the EfficientNetV2 table (timm's block-string prefixes in brackets). */
public enum BlockType {
    /** A plain 3x3 conv + BN + SiLU, with skip (stage 1 of the paper) [cn]. */
    CONV,
    /** Fused-MBConv: 3x3 expansion conv, then 1x1 projection [er]. */
    FUSED_MBCONV,
    /** MBConv: 1x1 expansion, 3x3 depthwise, squeeze-excite, 1x1 projection [ir]. */
    MBCONV
}
