package io.pillsnap.api.gate;

import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a run's metrics against the stage's success criteria. Pure. A criterion whose metric was
 * not reported (or is not a finite number) is never met: the gate is then Inconclusive, unless
 * another criterion has definitely failed.
 */
public final class GateEvaluator {

    private GateEvaluator() {}

    public static GateStatus evaluate(
            List<SuccessCriterion> criteria,
            StageMetrics metrics,
            ExportVerdict export,
            long generation) {
        List<CriterionResult> rows = new ArrayList<>();
        List<String> unmet = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (SuccessCriterion criterion : criteria) {
            Optional<Double> actual =
                    Optional.ofNullable(metrics)
                            .flatMap(m -> m.get(criterion.metric()))
                            .filter(Double::isFinite);
            Boolean met =
                    actual.map(value -> criterion.op().test(value, criterion.threshold()))
                            .orElse(null);
            rows.add(
                    new CriterionResult(
                            criterion.metric(),
                            criterion.op(),
                            criterion.threshold(),
                            actual.orElse(null),
                            met));
            if (actual.isEmpty()) {
                missing.add(criterion.metric().key());
            } else if (!met) {
                unmet.add(
                        "%s %s is not %s %s"
                                .formatted(
                                        criterion.metric().key(),
                                        format(actual.get()),
                                        criterion.op().symbol(),
                                        format(criterion.threshold())));
            }
        }
        if (export.passed() == null) {
            missing.add("the ONNX export check");
        } else if (export.failed()) {
            unmet.add(
                    "the exported ONNX model does not match the trained model (max abs logit"
                            + " difference "
                            + format(export.maxAbsDiff())
                            + ", top-1 agreement "
                            + format(export.top1Agreement())
                            + ")");
        }
        GateResult result;
        String summary;
        if (!unmet.isEmpty()) {
            result = GateResult.Failed;
            summary = String.join("; ", unmet);
        } else if (!missing.isEmpty()) {
            result = GateResult.Inconclusive;
            summary =
                    "the trainer did not report "
                            + String.join(", ", missing)
                            + ": a missing metric or check never passes a gate";
        } else {
            result = GateResult.Passed;
            summary =
                    criteria.size() == 1
                            ? "the criterion is met"
                            : "all " + criteria.size() + " criteria are met";
        }
        return new GateStatus(result, List.copyOf(rows), summary, generation);
    }

    static String format(Double value) {
        if (value == null) {
            return "unknown";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e9
                ? String.valueOf(value.longValue())
                : String.format(Locale.ROOT, "%.4g", value);
    }
}
