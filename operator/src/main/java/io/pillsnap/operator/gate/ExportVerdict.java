package io.pillsnap.operator.gate;

/**
 * The trainer's check that the exported ONNX model computes what the trained model computes.
 *
 * @param passed null when the trainer did not report the check
 */
public record ExportVerdict(Boolean passed, Double maxAbsDiff, Double top1Agreement) {

    public static ExportVerdict notReported() {
        return new ExportVerdict(null, null, null);
    }

    public boolean failed() {
        return Boolean.FALSE.equals(passed);
    }
}
