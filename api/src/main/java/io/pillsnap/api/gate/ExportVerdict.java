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

    /**
     * What a trainer's result says about its exports: failed when any exported model failed its
     * check (that one's figures), not reported when none was checked.
     */
    public static ExportVerdict of(TrainerResult result) {
        TrainerResult.ExportCheck classifier = result.export();
        TrainerResult.ExportCheck detector = result.detectorExport();
        if (classifier == null && detector == null) {
            return notReported();
        }
        for (TrainerResult.ExportCheck check : java.util.Arrays.asList(classifier, detector)) {
            if (check != null && !Boolean.TRUE.equals(check.passed())) {
                return of(check);
            }
        }
        return of(classifier != null ? classifier : detector);
    }

    private static ExportVerdict of(TrainerResult.ExportCheck check) {
        return new ExportVerdict(check.passed(), check.maxAbsDiff(), check.top1Agreement());
    }

    public boolean failed() {
        return Boolean.FALSE.equals(passed);
    }
}
