package io.pillsnap.api.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.trainer.TrainerResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gate's export verdict covers every exported model of a run. */
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

    @Test
    void aFailedDetectorExportFailsTheVerdictThoughTheClassifierPassed() {
        ExportVerdict verdict = ExportVerdict.of(result(PASSED, DETECTOR_FAILED));

        assertThat(verdict.failed()).isTrue();
        assertThat(verdict.maxAbsDiff()).isEqualTo(0.31);
        assertThat(verdict.top1Agreement()).isEqualTo(0.94);
    }

    @Test
    void aDetectorAloneIsJudgedByItsOwnCheck() {
        assertThat(ExportVerdict.of(result(null, PASSED)).passed()).isTrue();
        assertThat(ExportVerdict.of(result(null, DETECTOR_FAILED)).failed()).isTrue();
    }

    @Test
    void noCheckAtAllIsNotReported() {
        assertThat(ExportVerdict.of(result(null, null)).passed()).isNull();
        assertThat(ExportVerdict.of(result(PASSED, null)).passed()).isTrue();
    }
}
