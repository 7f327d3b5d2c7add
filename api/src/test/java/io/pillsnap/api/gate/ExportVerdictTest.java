package io.pillsnap.api.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.spec.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's export verdict covers every model the stage trains. */
class ExportVerdictTest {

    static final TrainerResult.ExportCheck PASSED =
            new TrainerResult.ExportCheck(2e-6, 1.0, 64, true);
    static final TrainerResult.ExportCheck DETECTOR_FAILED =
            new TrainerResult.ExportCheck(0.31, 0.94, 64, false);

    static TrainerResult result(
            TrainerResult.ExportCheck classifier, TrainerResult.ExportCheck detector) {
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "r1",
                10,
                9,
                Map.of("mAP50", 0.9),
                null,
                null,
                classifier,
                null,
                "trained",
                detector);
    }

    static final List<Task> BOTH = List.of(Task.CLASSIFICATION, Task.DETECTION);

    @Test
    void aFailedDetectorExportFailsTheVerdictThoughTheClassifierPassed() {
        ExportVerdict verdict = ExportVerdict.of(result(PASSED, DETECTOR_FAILED), BOTH);

        assertThat(verdict.failed()).isTrue();
        assertThat(verdict.maxAbsDiff()).isEqualTo(0.31);
        assertThat(verdict.top1Agreement()).isEqualTo(0.94);
    }

    @Test
    void aDetectorAloneIsJudgedByItsOwnCheck() {
        List<Task> detection = List.of(Task.DETECTION);
        assertThat(ExportVerdict.of(result(null, PASSED), detection).passed()).isTrue();
        assertThat(ExportVerdict.of(result(null, DETECTOR_FAILED), detection).failed()).isTrue();
        assertThat(ExportVerdict.of(result(null, null), detection).missing())
                .isEqualTo("the ONNX export check");
    }

    @Test
    void aStageWithBothModelsNeedsBothChecks() {
        ExportVerdict withoutDetector = ExportVerdict.of(result(PASSED, null), BOTH);
        ExportVerdict withoutClassifier = ExportVerdict.of(result(null, PASSED), BOTH);

        assertThat(withoutDetector.passed()).isNull();
        assertThat(withoutDetector.missing()).isEqualTo("the detector's ONNX export check");
        assertThat(withoutClassifier.passed()).isNull();
        assertThat(withoutClassifier.missing()).isEqualTo("the classifier's ONNX export check");
        assertThat(ExportVerdict.of(result(PASSED, PASSED), BOTH).passed()).isTrue();
    }

    @Test
    void noCheckAtAllIsNotReported() {
        List<Task> classification = List.of(Task.CLASSIFICATION);
        assertThat(ExportVerdict.of(result(null, null), classification).passed()).isNull();
        assertThat(ExportVerdict.of(result(PASSED, null), classification).passed()).isTrue();
    }
}
