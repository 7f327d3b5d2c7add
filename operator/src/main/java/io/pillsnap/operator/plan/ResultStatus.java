package io.pillsnap.operator.plan;

import io.pillsnap.api.gate.ExportVerdict;
import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.status.ArtifactStatus;
import io.pillsnap.api.v1alpha1.status.LineageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.operator.observe.ObservedAttempt;

/** The parts of the status a trainer's result fills: artifacts, lineage, final progress. */
final class ResultStatus {

    private ResultStatus() {}

    static ArtifactStatus artifacts(TrainerResult result, ExportVerdict export) {
        TrainerResult.Artifacts files = result.artifacts();
        return new ArtifactStatus(
                files == null ? null : files.path(),
                null,
                files == null ? null : files.files(),
                export.maxAbsDiff(),
                export.top1Agreement(),
                export.passed());
    }

    static LineageStatus lineage(TrainerResult result, ObservedAttempt attempt, RunStatus run) {
        TrainerResult.DataSummary data = result.data();
        return new LineageStatus(
                data == null ? null : data.manifestSha256(),
                data == null ? null : data.classMapSha256(),
                data == null ? null : data.classes(),
                data == null ? null : data.trainImages(),
                data == null ? null : data.valImages(),
                data == null ? null : data.testImages(),
                data == null ? null : data.skipped(),
                attempt.image(),
                run.initFrom());
    }

    static ProgressStatus finalProgress(TrainerResult result, PillsnapStageSpec spec) {
        return ProgressStatus.of(
                result.epochs(),
                spec.training().epochs(),
                result.knownMetrics().get(Metric.TOP1),
                0L,
                null);
    }
}
