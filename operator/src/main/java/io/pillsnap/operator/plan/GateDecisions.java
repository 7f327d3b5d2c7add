package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.status.ConditionType.GatePassed;
import static io.pillsnap.api.v1alpha1.status.ConditionType.Promoted;

import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.gate.ExportVerdict;
import io.pillsnap.api.gate.GateEvaluator;
import io.pillsnap.api.gate.RunMetrics;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.PromotionPolicy;
import io.pillsnap.api.v1alpha1.status.ArtifactStatus;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.observe.StageSnapshot;
import java.util.Objects;

/**
 * What a gate result means for the stage: promotion (automatic or on approval of the run),
 * rejection, or a new evaluation of the same metrics when the criteria change. Pure; used by {@link
 * PhasePlanner}.
 */
final class GateDecisions {

    private GateDecisions() {}

    static StagePlan awaitApproval(StageSnapshot s) {
        PillsnapStageStatus status = s.status();
        StagePlan.Builder plan = StagePlan.keeping(status);
        if (criteriaChanged(s)) {
            return regate(s, plan);
        }
        if (approved(s)) {
            return promote(plan, "ApprovedManually", "approved for run " + status.run().id());
        }
        return plan.build();
    }

    static StagePlan regateIfCriteriaChanged(StageSnapshot s) {
        StagePlan.Builder plan = StagePlan.keeping(s.status());
        return criteriaChanged(s) ? regate(s, plan) : plan.build();
    }

    private static boolean criteriaChanged(StageSnapshot s) {
        GateStatus gate = s.status().gate();
        return s.status().metrics() != null
                && gate != null
                && !Objects.equals(gate.observedGeneration(), s.generation());
    }

    /** The spec changed after the run finished: gate the same metrics again, no retraining. */
    private static StagePlan regate(StageSnapshot s, StagePlan.Builder plan) {
        ArtifactStatus artifacts = s.status().artifacts();
        ExportVerdict export =
                artifacts == null
                        ? ExportVerdict.notReported()
                        : new ExportVerdict(
                                artifacts.exportPassed(),
                                artifacts.exportMaxAbsDiff(),
                                artifacts.exportTop1Agreement());
        GateStatus gate =
                GateEvaluator.evaluate(
                        s.stage().getSpec().successCriteria(),
                        RunMetrics.fromStatus(s.status().metrics(), s.status().validationMetrics()),
                        export,
                        s.generation());
        plan.event(
                EventReason.GateReevaluated,
                "spec changed: gate evaluated again on the run's metrics: " + gate.result());
        return decideOnGate(s, plan, gate, s.status().run());
    }

    static StagePlan decideOnGate(
            StageSnapshot s, StagePlan.Builder plan, GateStatus gate, RunStatus run) {
        plan.gate(gate);
        switch (gate.result()) {
            case Passed -> {
                plan.condition(ConditionUpdate.isTrue(GatePassed, "Passed", gate.summary()));
                if (s.stage().getSpec().promotion() == PromotionPolicy.AUTOMATIC) {
                    return promote(plan, "Automatic", gate.summary());
                }
                if (approved(s)) {
                    return promote(plan, "ApprovedManually", "approved for run " + run.id());
                }
                String message = StageMessages.awaitingApproval(s.name(), run.id());
                return plan.phase(StagePhase.Evaluating, message)
                        .condition(ConditionUpdate.isFalse(Promoted, "AwaitingApproval", message))
                        .eventOnEntry(EventReason.AwaitingApproval, message)
                        .build();
            }
            case Failed -> {
                String message = "gate failed: " + gate.summary();
                return plan.phase(StagePhase.Rejected, message)
                        .condition(ConditionUpdate.isFalse(GatePassed, "Failed", gate.summary()))
                        .condition(ConditionUpdate.isFalse(Promoted, "GateFailed", message))
                        .event(EventReason.GateFailed, message)
                        .build();
            }
            case Inconclusive -> {
                String message = "gate inconclusive: " + gate.summary();
                return plan.phase(StagePhase.Rejected, message)
                        .condition(
                                ConditionUpdate.isFalse(GatePassed, "Inconclusive", gate.summary()))
                        .condition(ConditionUpdate.isFalse(Promoted, "GateInconclusive", message))
                        .event(EventReason.GateInconclusive, message)
                        .build();
            }
            default -> throw new IllegalStateException("unknown gate result " + gate.result());
        }
    }

    private static StagePlan promote(StagePlan.Builder plan, String reason, String detail) {
        String message = "promoted: " + detail;
        return plan.phase(StagePhase.Promoted, message)
                .condition(ConditionUpdate.isTrue(Promoted, reason, detail))
                .event(EventReason.Promoted, message)
                .build();
    }

    private static boolean approved(StageSnapshot s) {
        RunStatus run = s.status().run();
        return run != null
                && run.id() != null
                && run.id().equals(s.annotation(ApiConstants.ANNOTATION_APPROVE));
    }
}
