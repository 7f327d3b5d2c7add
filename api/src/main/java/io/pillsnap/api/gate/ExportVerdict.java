package io.pillsnap.api.gate;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.spec.Task;
import java.util.Collection;

/**
 * The trainer's check that the exported ONNX models compute what the trained models compute.
 *
 * @param passed null when a check the stage needs was not reported
 * @param missing which check was not reported, e.g. "the detector's ONNX export check"; null when
 *     every check the stage needs was
 */
public record ExportVerdict(
        Boolean passed, Double maxAbsDiff, Double top1Agreement, String missing) {

    public ExportVerdict(Boolean passed, Double maxAbsDiff, Double top1Agreement) {
        this(passed, maxAbsDiff, top1Agreement, passed == null ? "the ONNX export check" : null);
    }

    public static ExportVerdict notReported() {
        return new ExportVerdict(null, null, null);
    }

    /**
     * What a trainer's result says about the exports of the models the stage trains ({@code
     * tasks}): each one's check must be present and pass. Failed when any failed (that one's
     * figures); not reported, naming it, when one is missing.
     */
    public static ExportVerdict of(TrainerResult result, Collection<Task> tasks) {
        TrainerResult.ExportCheck classifier = result.export();
        TrainerResult.ExportCheck detector = result.detectorExport();
        for (TrainerResult.ExportCheck check : java.util.Arrays.asList(classifier, detector)) {
            if (check != null && !Boolean.TRUE.equals(check.passed())) {
                return of(check);
            }
        }
        boolean classifies = tasks.contains(Task.CLASSIFICATION);
        boolean detects = tasks.contains(Task.DETECTION);
        if (classifies && classifier == null) {
            return missing(
                    detects ? "the classifier's ONNX export check" : "the ONNX export check");
        }
        if (detects && detector == null) {
            return missing(
                    classifies ? "the detector's ONNX export check" : "the ONNX export check");
        }
        return of(classifies ? classifier : detector);
    }

    private static ExportVerdict missing(String check) {
        return new ExportVerdict(null, null, null, check);
    }

    private static ExportVerdict of(TrainerResult.ExportCheck check) {
        return new ExportVerdict(check.passed(), check.maxAbsDiff(), check.top1Agreement(), null);
    }

    public boolean failed() {
        return Boolean.FALSE.equals(passed);
    }
}
