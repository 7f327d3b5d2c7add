package io.pillsnap.trainer.classifier;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.progress.TensorBoardWriter;
import io.pillsnap.trainer.report.CalibrationReport;
import io.pillsnap.trainer.report.EvaluatedSet;
import io.pillsnap.trainer.report.Evaluation;
import io.pillsnap.trainer.report.EvaluationReport;
import java.util.List;

/**
 * Writes the evaluation of the best checkpoint: the report of the validation and test sets
 * (report/index.html and the CSV files, see {@link EvaluationReport}, the confusion pictures also
 * in TensorBoard) and report/evaluation.json; returns the classifier's part of metrics.json.
 */
public final class Reports {

    private Reports() {}

    /**
     * @param test the test set's evaluation, or null when the dataset has none
     * @param board TensorBoard, for the confusion pictures; may be null
     */
    static ClassifierMetrics write(
            RunDirectory dir,
            ClassMap classes,
            EvaluatedSet validation,
            EvaluatedSet test,
            ClassifierState state,
            LatencyMeter.Latency latency,
            ClassifierCalibration calibration,
            TensorBoardWriter board) {
        List<EvaluatedSet> sets = test == null ? List.of(validation) : List.of(validation, test);
        EvaluationReport.write(
                dir.reportFolder(),
                classes,
                sets,
                board,
                state.step(),
                null,
                figures(calibration, test == null ? "validation" : "test"));
        dir.writeJson(dir.report("calibration.json"), calibration);
        ClassifierMetrics.Final chosen =
                finalMetrics(
                        validation.evaluation(), test == null ? null : test.evaluation(), latency);
        dir.writeJson(dir.report("evaluation.json"), chosen);
        return new ClassifierMetrics(
                chosen, state.bestEpoch(), state.epochsDone(), state.history());
    }

    private static CalibrationReport.Figures figures(
            ClassifierCalibration calibration, String gateSet) {
        ClassifierCalibration.SetCalibration set = calibration.gateSet();
        return new CalibrationReport.Figures(
                calibration.fit().temperature(),
                calibration.answerPrecision(),
                calibration.threshold(),
                gateSet,
                set.before(),
                set.after(),
                set.answers(),
                calibration.riskCoverage(),
                calibration.knownConfidence(),
                calibration.unknownConfidence(),
                calibration.unknown());
    }

    /** A held-out set with its photos in evaluation order, as the report shows them. */
    public static EvaluatedSet set(String name, Evaluation evaluation, ImageSource photos) {
        return new EvaluatedSet(
                name, evaluation, photos.samples().stream().map(Sample::image).toList());
    }

    /** The chosen checkpoint's figures: validation with latency, and test when there is one. */
    public static ClassifierMetrics.Final finalMetrics(
            Evaluation validation, Evaluation test, LatencyMeter.Latency latency) {
        return new ClassifierMetrics.Final(
                ClassifierMetrics.SetFigures.of(validation),
                latency.p50Ms(),
                latency.p95Ms(),
                test == null ? null : ClassifierMetrics.SetFigures.of(test));
    }
}
