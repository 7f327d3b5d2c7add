package io.pillsnap.api.gate;

import io.pillsnap.api.v1alpha1.spec.EvaluationSet;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a run's metrics against the stage's success criteria. Pure. A quality criterion reads the
 * held-out set it names, the test set unless it says {@code set: validation}: the validation split
 * chose the checkpoint and stopped training, so its figures are optimistic and are read only where
 * the stage asks for them by name. A run without a test set therefore gates Inconclusive on a
 * criterion that does not name validation. latencyP95Ms and throughput are measured on the run and
 * read from the validation metrics, which carry them. A criterion whose metric was not reported (or
 * is not a finite number) is never met: the gate is then Inconclusive, unless another criterion has
 * definitely failed.
 */
public final class GateEvaluator {

    private GateEvaluator() {}

    public static GateStatus evaluate(
            List<SuccessCriterion> criteria,
            RunMetrics run,
            ExportVerdict export,
            long generation) {
        RunMetrics metrics = run == null ? RunMetrics.none() : run;
        List<CriterionResult> rows = new ArrayList<>();
        List<String> unmet = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> needTestSet = new ArrayList<>();
        Set<EvaluationSet> setsRead = new LinkedHashSet<>();
        for (SuccessCriterion criterion : criteria) {
            EvaluationSet set = setFor(criterion, metrics);
            Optional<Double> actual =
                    Optional.ofNullable(source(set, metrics))
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
                            met,
                            set));
            if (set != null) {
                setsRead.add(set);
            }
            String onSet = set == null ? "" : " on " + set.description();
            if (set == EvaluationSet.TEST && !metrics.hasTest()) {
                needTestSet.add(criterion.metric().key());
            } else if (actual.isEmpty()) {
                missing.add(criterion.metric().key() + onSet + whyMissing(criterion.metric()));
            } else if (!met) {
                unmet.add(
                        "%s %s is not %s %s%s"
                                .formatted(
                                        criterion.metric().key(),
                                        format(actual.get()),
                                        criterion.op().symbol(),
                                        format(criterion.threshold()),
                                        onSet));
            }
        }
        if (export.passed() == null) {
            missing.add(export.missing());
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
        } else if (!missing.isEmpty() || !needTestSet.isEmpty()) {
            result = GateResult.Inconclusive;
            summary = inconclusive(missing, needTestSet);
        } else {
            result = GateResult.Passed;
            summary =
                    (criteria.size() == 1
                                    ? "the criterion is met"
                                    : "all " + criteria.size() + " criteria are met")
                            + onSets(setsRead);
        }
        return new GateStatus(result, List.copyOf(rows), summary, generation);
    }

    /** The set a criterion reads; null for run-level metrics, which belong to no set. */
    static EvaluationSet setFor(SuccessCriterion criterion, RunMetrics metrics) {
        if (criterion.metric().isRunLevel()) {
            return null;
        }
        return criterion.set() != null ? criterion.set() : EvaluationSet.TEST;
    }

    /** What a run needs to produce a metric that its data, not its trainer, can leave out. */
    private static String whyMissing(Metric metric) {
        return metric == Metric.UNKNOWN_REJECTION
                ? " (it is measured on photos of drugs outside the stage's classes, which the"
                        + " test set holds when spec.dataset.unknownFraction is above 0 and the"
                        + " dataset's val/ folder has other drugs)"
                : "";
    }

    private static StageMetrics source(EvaluationSet set, RunMetrics metrics) {
        return set == EvaluationSet.TEST ? metrics.test() : metrics.validation();
    }

    private static String inconclusive(List<String> missing, List<String> needTestSet) {
        List<String> reasons = new ArrayList<>();
        if (!needTestSet.isEmpty()) {
            reasons.add(
                    "the criteria on "
                            + String.join(", ", needTestSet)
                            + " read the test set, but the run had none: the dataset has no val/"
                            + " photos of the stage's drugs (AIHub's validation set, used as the"
                            + " test set; an imagefolder dataset has none). Provide them, or give"
                            + " those criteria set: validation to gate on the split that chose"
                            + " the checkpoint, whose figures are optimistic");
        }
        if (!missing.isEmpty()) {
            reasons.add(
                    "the trainer did not report "
                            + String.join(", ", missing)
                            + ": a missing metric or check never passes a gate");
        }
        return String.join("; ", reasons);
    }

    private static String onSets(Set<EvaluationSet> sets) {
        return switch (sets.size()) {
            case 0 -> "";
            case 1 -> " on " + sets.iterator().next().description();
            default ->
                    " on the "
                            + sets.stream()
                                    .map(EvaluationSet::key)
                                    .collect(Collectors.joining(" and "))
                            + " sets";
        };
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
