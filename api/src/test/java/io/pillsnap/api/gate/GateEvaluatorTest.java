package io.pillsnap.api.gate;

import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.TEST;
import static io.pillsnap.api.v1alpha1.spec.EvaluationSet.VALIDATION;
import static io.pillsnap.api.v1alpha1.spec.Metric.ANSWERED_PRECISION;
import static io.pillsnap.api.v1alpha1.spec.Metric.COVERAGE;
import static io.pillsnap.api.v1alpha1.spec.Metric.ECE;
import static io.pillsnap.api.v1alpha1.spec.Metric.LATENCY_P95_MS;
import static io.pillsnap.api.v1alpha1.spec.Metric.MACRO_F1;
import static io.pillsnap.api.v1alpha1.spec.Metric.MAP50;
import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static io.pillsnap.api.v1alpha1.spec.Metric.UNKNOWN_REJECTION;
import static io.pillsnap.api.v1alpha1.spec.Metric.WORST_CLASS_RECALL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pillsnap.api.v1alpha1.spec.ComparisonOperator;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.status.CriterionResult;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GateEvaluatorTest {

    private static final List<SuccessCriterion> STAGE2 =
            List.of(SuccessCriterion.atLeast(TOP1, 0.60), SuccessCriterion.atLeast(MACRO_F1, 0.55));

    @Test
    void passesWhenEveryCriterionHolds() {
        GateStatus gate = evaluate(STAGE2, Map.of(TOP1, 0.60, MACRO_F1, 0.70));

        assertThat(gate.result()).isEqualTo(GateResult.Passed);
        assertThat(gate.criteria()).extracting(CriterionResult::met).containsExactly(true, true);
        assertThat(gate.summary()).isEqualTo("all 2 criteria are met on the test set");
        assertThat(gate.observedGeneration()).isEqualTo(7L);
    }

    @Test
    void failsAndSaysWhichCriterionMissedByHowMuch() {
        GateStatus gate = evaluate(STAGE2, Map.of(TOP1, 0.59, MACRO_F1, 0.70));

        assertThat(gate.result()).isEqualTo(GateResult.Failed);
        assertThat(gate.summary()).isEqualTo("top1 0.5900 is not >= 0.6000 on the test set");
        assertThat(gate.criteria().get(0))
                .isEqualTo(
                        new CriterionResult(
                                TOP1, ComparisonOperator.AT_LEAST, 0.60, 0.59, false, TEST));
    }

    @Test
    void missingMetricMakesTheGateInconclusive() {
        GateStatus gate = evaluate(STAGE2, Map.of(TOP1, 0.90));

        assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
        assertThat(gate.criteria().get(1).actual()).isNull();
        assertThat(gate.criteria().get(1).met()).isNull();
        assertThat(gate.summary()).startsWith("the trainer did not report macroF1 on the test set");
    }

    @Test
    void noMetricsAtAllIsInconclusive() {
        GateStatus gate =
                GateEvaluator.evaluate(STAGE2, RunMetrics.none(), ExportVerdict.notReported(), 1);

        assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
    }

    @Test
    void notANumberCountsAsMissing() {
        GateStatus gate = evaluate(STAGE2, Map.of(TOP1, Double.NaN, MACRO_F1, 0.9));

        assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
    }

    @Test
    void aDefiniteFailureOutranksAMissingMetric() {
        GateStatus gate = evaluate(STAGE2, Map.of(TOP1, 0.1));

        assertThat(gate.result()).isEqualTo(GateResult.Failed);
    }

    @Test
    void latencyCriterionComparesMilliseconds() {
        List<SuccessCriterion> criteria =
                List.of(new SuccessCriterion(LATENCY_P95_MS, ComparisonOperator.AT_MOST, 30.0));

        assertThat(evaluate(criteria, Map.of(LATENCY_P95_MS, 29.5)).result())
                .isEqualTo(GateResult.Passed);
        assertThat(evaluate(criteria, Map.of(LATENCY_P95_MS, 31.0)).summary())
                .isEqualTo("latencyP95Ms 31 is not <= 30");
    }

    @Test
    void missingExportCheckMakesTheGateInconclusive() {
        GateStatus gate =
                GateEvaluator.evaluate(
                        STAGE2,
                        withTestSet(Map.of(TOP1, 0.90, MACRO_F1, 0.90)),
                        ExportVerdict.notReported(),
                        1);

        assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
        assertThat(gate.summary())
                .isEqualTo(
                        "the trainer did not report the ONNX export check: a missing metric or"
                                + " check never passes a gate");
    }

    @Test
    void failedExportCheckFailsTheGate() {
        GateStatus gate =
                GateEvaluator.evaluate(
                        List.of(SuccessCriterion.atLeast(MAP50, 0.5)),
                        withTestSet(Map.of(MAP50, 0.9)),
                        new ExportVerdict(false, 0.25, 0.97),
                        1);

        assertThat(gate.result()).isEqualTo(GateResult.Failed);
        assertThat(gate.summary())
                .contains("max abs logit difference 0.2500, top-1 agreement 0.9700");
    }

    @Nested
    class ReadingTheTestSet {

        @Test
        void readsTheTestMetricsWhenTheRunReportedThem() {
            GateStatus gate =
                    evaluate(
                            STAGE2,
                            Map.of(TOP1, 0.80, MACRO_F1, 0.75),
                            Map.of(TOP1, 0.62, MACRO_F1, 0.58));

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria())
                    .extracting(CriterionResult::actual, CriterionResult::set)
                    .containsExactly(tuple(0.62, TEST), tuple(0.58, TEST));
            assertThat(gate.summary()).isEqualTo("all 2 criteria are met on the test set");
        }

        @Test
        void aPassingValidationScoreDoesNotHideAFailingTestScore() {
            GateStatus gate =
                    evaluate(
                            STAGE2,
                            Map.of(TOP1, 0.80, MACRO_F1, 0.75),
                            Map.of(TOP1, 0.55, MACRO_F1, 0.58));

            assertThat(gate.result()).isEqualTo(GateResult.Failed);
            assertThat(gate.summary()).isEqualTo("top1 0.5500 is not >= 0.6000 on the test set");
        }

        @Test
        void withoutATestSetACriterionThatDoesNotNameValidationIsInconclusiveAndSaysWhy() {
            GateStatus gate = evaluate(STAGE2, Map.of(TOP1, 0.80, MACRO_F1, 0.75), Map.of());

            assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
            assertThat(gate.criteria())
                    .extracting(CriterionResult::actual, CriterionResult::set)
                    .containsExactly(tuple(null, TEST), tuple(null, TEST));
            assertThat(gate.summary())
                    .contains(
                            "the criteria on top1, macroF1 read the test set, but the run had none")
                    .contains("give those criteria set: validation")
                    .contains("whose figures are optimistic");
        }

        @Test
        void withoutATestSetCriteriaNamingValidationReadIt() {
            List<SuccessCriterion> criteria =
                    STAGE2.stream().map(c -> c.readFrom(VALIDATION)).toList();

            GateStatus gate = evaluate(criteria, Map.of(TOP1, 0.80, MACRO_F1, 0.75), Map.of());

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria())
                    .extracting(CriterionResult::actual, CriterionResult::set)
                    .containsExactly(tuple(0.80, VALIDATION), tuple(0.75, VALIDATION));
        }

        @Test
        void criterionSetToValidationReadsItEvenWithATestSet() {
            List<SuccessCriterion> criteria =
                    List.of(SuccessCriterion.atLeast(TOP1, 0.60).readFrom(VALIDATION));

            GateStatus gate = evaluate(criteria, Map.of(TOP1, 0.80), Map.of(TOP1, 0.55));

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria().get(0).actual()).isEqualTo(0.80);
            assertThat(gate.criteria().get(0).set()).isEqualTo(VALIDATION);
            assertThat(gate.summary()).isEqualTo("the criterion is met on the validation set");
        }

        @Test
        void criteriaMayReadDifferentSets() {
            List<SuccessCriterion> criteria =
                    List.of(
                            SuccessCriterion.atLeast(TOP1, 0.60),
                            SuccessCriterion.atLeast(MACRO_F1, 0.55).readFrom(VALIDATION));

            GateStatus gate =
                    evaluate(criteria, Map.of(TOP1, 0.50, MACRO_F1, 0.70), Map.of(TOP1, 0.65));

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria())
                    .extracting(CriterionResult::set)
                    .containsExactly(TEST, VALIDATION);
            assertThat(gate.summary())
                    .isEqualTo("all 2 criteria are met on the test and validation sets");
        }

        @Test
        void criterionSetToTestWithoutATestSetIsInconclusiveAndSaysHowToFixIt() {
            List<SuccessCriterion> criteria =
                    List.of(SuccessCriterion.atLeast(TOP1, 0.60).readFrom(TEST));

            GateStatus gate = evaluate(criteria, Map.of(TOP1, 0.90), Map.of());

            assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
            assertThat(gate.criteria().get(0).actual()).isNull();
            assertThat(gate.criteria().get(0).met()).isNull();
            assertThat(gate.criteria().get(0).set()).isEqualTo(TEST);
            assertThat(gate.summary())
                    .isEqualTo(
                            "the criteria on top1 read the test set, but the run had none: the"
                                    + " dataset has no val/ photos of the stage's drugs (AIHub's"
                                    + " validation set, used as the test set; an imagefolder"
                                    + " dataset has none). Provide them, or give those criteria"
                                    + " set: validation to gate on the split that chose the"
                                    + " checkpoint, whose figures are optimistic");
        }

        @Test
        void aMetricMissingFromTheTestSetIsNotTakenFromTheValidationSet() {
            GateStatus gate =
                    evaluate(STAGE2, Map.of(TOP1, 0.80, MACRO_F1, 0.75), Map.of(TOP1, 0.70));

            assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
            assertThat(gate.summary())
                    .startsWith("the trainer did not report macroF1 on the test set");
        }

        @Test
        void latencyIsReadFromTheRunWhicheverSetTheCriterionNames() {
            List<SuccessCriterion> criteria =
                    List.of(
                            new SuccessCriterion(
                                    LATENCY_P95_MS, ComparisonOperator.AT_MOST, 30.0, TEST));

            GateStatus gate =
                    evaluate(criteria, Map.of(TOP1, 0.8, LATENCY_P95_MS, 12.0), Map.of(TOP1, 0.7));

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria().get(0).actual()).isEqualTo(12.0);
            assertThat(gate.criteria().get(0).set()).isNull();
            assertThat(gate.summary()).isEqualTo("the criterion is met");
        }

        @Test
        void latencyNeedsNoTestSetEvenOnTest() {
            List<SuccessCriterion> criteria =
                    List.of(
                            new SuccessCriterion(
                                    LATENCY_P95_MS, ComparisonOperator.AT_MOST, 30.0, TEST));

            assertThat(evaluate(criteria, Map.of(LATENCY_P95_MS, 12.0), Map.of()).result())
                    .isEqualTo(GateResult.Passed);
        }
    }

    @Nested
    class CalibrationAndNotSureAnswers {

        @Test
        void eceAtMostPassesAWellCalibratedModel() {
            List<SuccessCriterion> criteria = List.of(SuccessCriterion.atMost(ECE, 0.05));

            GateStatus gate = evaluate(criteria, Map.of(TOP1, 0.8, ECE, 0.031));

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria())
                    .containsExactly(
                            new CriterionResult(
                                    ECE, ComparisonOperator.AT_MOST, 0.05, 0.031, true, TEST));
            assertThat(gate.summary()).isEqualTo("the criterion is met on the test set");
        }

        @Test
        void eceAtMostFailsAnOverconfidentModelAndSaysByHowMuch() {
            List<SuccessCriterion> criteria = List.of(SuccessCriterion.atMost(ECE, 0.05));

            GateStatus gate = evaluate(criteria, Map.of(TOP1, 0.8, ECE, 0.082));

            assertThat(gate.result()).isEqualTo(GateResult.Failed);
            assertThat(gate.summary()).isEqualTo("ece 0.08200 is not <= 0.05000 on the test set");
        }

        @Test
        void eceAtTheThresholdPasses() {
            List<SuccessCriterion> criteria = List.of(SuccessCriterion.atMost(ECE, 0.05));

            assertThat(evaluate(criteria, Map.of(ECE, 0.05)).result()).isEqualTo(GateResult.Passed);
        }

        @Test
        void aCriterionOnEceWithoutAComparisonAsksForAtMost() {
            List<SuccessCriterion> criteria = List.of(new SuccessCriterion(ECE, null, 0.05));

            assertThat(criteria.get(0).op()).isEqualTo(ComparisonOperator.AT_MOST);
            assertThat(evaluate(criteria, Map.of(ECE, 0.04)).result()).isEqualTo(GateResult.Passed);
            assertThat(evaluate(criteria, Map.of(ECE, 0.06)).result()).isEqualTo(GateResult.Failed);
        }

        @Test
        void eceIsReadFromTheTestSetNotTheValidationSplitThatWasCalibratedOn() {
            List<SuccessCriterion> criteria = List.of(SuccessCriterion.atMost(ECE, 0.05));

            GateStatus gate = evaluate(criteria, Map.of(ECE, 0.01), Map.of(ECE, 0.09));

            assertThat(gate.result()).isEqualTo(GateResult.Failed);
            assertThat(gate.criteria().get(0).actual()).isEqualTo(0.09);
        }

        @ParameterizedTest
        @EnumSource(
                value = Metric.class,
                names = {
                    "COVERAGE",
                    "ANSWERED_PRECISION",
                    "UNKNOWN_REJECTION",
                    "WORST_CLASS_RECALL"
                })
        void higherIsBetterMetricsPassAtTheThresholdAndFailBelowIt(Metric metric) {
            List<SuccessCriterion> criteria = List.of(new SuccessCriterion(metric, null, 0.80));

            GateStatus atThreshold = evaluate(criteria, Map.of(TOP1, 0.9, metric, 0.80));
            GateStatus below = evaluate(criteria, Map.of(TOP1, 0.9, metric, 0.79));

            assertThat(criteria.get(0).op()).isEqualTo(ComparisonOperator.AT_LEAST);
            assertThat(atThreshold.result()).isEqualTo(GateResult.Passed);
            assertThat(below.result()).isEqualTo(GateResult.Failed);
            assertThat(below.summary())
                    .isEqualTo(metric.key() + " 0.7900 is not >= 0.8000 on the test set");
        }

        @Test
        void allFiveTogetherPassAWellBehavedRun() {
            List<SuccessCriterion> criteria =
                    List.of(
                            SuccessCriterion.atMost(ECE, 0.05),
                            SuccessCriterion.atLeast(COVERAGE, 0.70),
                            SuccessCriterion.atLeast(ANSWERED_PRECISION, 0.97),
                            SuccessCriterion.atLeast(UNKNOWN_REJECTION, 0.90),
                            SuccessCriterion.atLeast(WORST_CLASS_RECALL, 0.20));

            GateStatus gate =
                    evaluate(
                            criteria,
                            Map.of(TOP1, 0.9),
                            Map.of(
                                    ECE, 0.021,
                                    COVERAGE, 0.74,
                                    ANSWERED_PRECISION, 0.985,
                                    UNKNOWN_REJECTION, 0.93,
                                    WORST_CLASS_RECALL, 0.25));

            assertThat(gate.result()).isEqualTo(GateResult.Passed);
            assertThat(gate.criteria())
                    .extracting(CriterionResult::actual)
                    .containsExactly(0.021, 0.74, 0.985, 0.93, 0.25);
            assertThat(gate.summary()).isEqualTo("all 5 criteria are met on the test set");
        }

        @Test
        void missingUnknownRejectionIsInconclusiveAndSaysWhereItComesFrom() {
            List<SuccessCriterion> criteria =
                    List.of(SuccessCriterion.atLeast(UNKNOWN_REJECTION, 0.9));

            GateStatus gate = evaluate(criteria, Map.of(TOP1, 0.8, COVERAGE, 0.7));

            assertThat(gate.result()).isEqualTo(GateResult.Inconclusive);
            assertThat(gate.summary())
                    .startsWith("the trainer did not report unknownRejection on the test set (")
                    .contains("photos of drugs outside the stage's classes")
                    .contains("spec.dataset.unknownFraction is above 0")
                    .endsWith("a missing metric or check never passes a gate");
        }
    }

    private static GateStatus evaluate(
            List<SuccessCriterion> criteria, Map<Metric, Double> metrics) {
        return evaluate(criteria, metrics, withoutRunLevel(metrics));
    }

    /**
     * The quality metrics of {@code metrics}: a run on a dataset with a test set scores them there.
     */
    private static Map<Metric, Double> withoutRunLevel(Map<Metric, Double> metrics) {
        Map<Metric, Double> quality = new java.util.LinkedHashMap<>(metrics);
        quality.keySet().removeIf(Metric::isRunLevel);
        return quality;
    }

    private static GateStatus evaluate(
            List<SuccessCriterion> criteria,
            Map<Metric, Double> validation,
            Map<Metric, Double> test) {
        RunMetrics run =
                new RunMetrics(
                        StageMetrics.of(VALIDATION, validation),
                        test.isEmpty() ? null : StageMetrics.of(TEST, test));
        return GateEvaluator.evaluate(criteria, run, new ExportVerdict(true, 2e-6, 1.0), 7);
    }

    private static RunMetrics withTestSet(Map<Metric, Double> metrics) {
        return new RunMetrics(StageMetrics.of(VALIDATION, metrics), StageMetrics.of(TEST, metrics));
    }
}
