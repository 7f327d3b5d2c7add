package io.pillsnap.api.gate;

import io.pillsnap.api.trainer.TrainerResult;

/**
 * The trainer's check that the exported ONNX model computes what the trained model computes.
 *
 * @param passed null when the trainer did not report the check
 */
public record ExportVerdict(Boolean passed, Double maxAbsDiff, Double top1Agreement) {

    public static ExportVerdict notReported() {
        return new ExportVerdict(null, null, null);
    }

    /** What a trainer's result says about its export. */
    public static ExportVerdict of(TrainerResult result) {
        TrainerResult.ExportCheck check = result.export();
        return check == null
                ? notReported()
                : new ExportVerdict(check.passed(), check.maxAbsDiff(), check.top1Agreement());
    }

    public boolean failed() {
        return Boolean.FALSE.equals(passed);
    }
}
