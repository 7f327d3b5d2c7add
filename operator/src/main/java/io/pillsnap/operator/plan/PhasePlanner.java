package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.status.ConditionType.GatePassed;
import static io.pillsnap.api.v1alpha1.status.ConditionType.PredecessorsPromoted;
import static io.pillsnap.api.v1alpha1.status.ConditionType.Promoted;
import static io.pillsnap.api.v1alpha1.status.ConditionType.Trained;

import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.gate.ExportVerdict;
import io.pillsnap.api.gate.GateEvaluator;
import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.trainer.TrainerResultCodec.Decoded;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.PromotionPolicy;
import io.pillsnap.api.v1alpha1.status.ArtifactStatus;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.LineageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.StageMetrics;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.RunNames;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.observe.FailureKind;
import io.pillsnap.operator.observe.ObservedAttempt;
import io.pillsnap.operator.observe.PredecessorState;
import io.pillsnap.operator.observe.StageSnapshot;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The stage's state machine: from the spec, the current status and what is observed, decides the
 * next phase, the run and attempt that must exist, and what to record. Pure: no client, no clock
 * (the time is in the snapshot), so every decision is unit-tested without a cluster.
 */
public final class PhasePlanner {

    private static final int MESSAGE_EXCERPT = 300;

    private PhasePlanner() {}

    public static StagePlan plan(StageSnapshot snapshot) {
        PillsnapStageStatus status = snapshot.status();
        RunStatus run = status.run();
        boolean runPending =
                run == null
                        || !Objects.equals(snapshot.stage().getSpec().rerunNonce(), run.nonce());
        if (runPending) {
            return startRunOrWait(snapshot);
        }
        StagePhase phase = Objects.requireNonNullElse(status.phase(), StagePhase.Queued);
        return switch (phase) {
            case Waiting, Queued, Training -> followAttempt(snapshot);
            case Evaluating -> awaitApproval(snapshot);
            case Rejected -> regateIfCriteriaChanged(snapshot);
            case Promoted, Failed -> StagePlan.keeping(status).build();
        };
    }

    private static StagePlan startRunOrWait(StageSnapshot s) {
        PillsnapStageStatus status = s.status();
        StagePlan.Builder plan = StagePlan.keeping(status);
        boolean rerun = status.run() != null;
        if (rerun) {
            plan.clearResults();
        }
        List<PredecessorState> blockers =
                s.predecessors().stream().filter(p -> !p.isPromoted()).toList();
        if (!blockers.isEmpty()) {
            String message =
                    "waiting for "
                            + blockers.stream()
                                    .map(p -> describe(p, s))
                                    .collect(Collectors.joining("; "));
            return plan.phase(StagePhase.Waiting, message)
                    .condition(
                            ConditionUpdate.isFalse(
                                    PredecessorsPromoted, blockingReason(blockers), message))
                    .eventOnEntry(EventReason.Waiting, message)
                    .build();
        }
        PillsnapStageSpec spec = s.stage().getSpec();
        int number = rerun ? status.run().number() + 1 : 1;
        String runId = RunNames.runId(s.stage(), number);
        String artifactsPath =
                RunNames.artifactsPath(s.stage().getMetadata().getNamespace(), s.name(), runId);
        String initFrom =
                s.predecessors().stream()
                        .filter(p -> p.name().equals(spec.initFrom()))
                        .map(PredecessorState::artifactsPath)
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null);
        String job = RunNames.jobName(s.name(), number, 1);
        RunStatus newRun =
                new RunStatus(
                        runId,
                        number,
                        spec.rerunNonce(),
                        1,
                        0,
                        spec.training().maxRetries(),
                        0,
                        job,
                        artifactsPath,
                        null,
                        initFrom,
                        s.now().toString(),
                        null);
        String message = "run " + runId + " started: trainer Job " + job;
        if (rerun) {
            plan.event(
                    EventReason.RerunRequested, "spec.rerunNonce changed: starting run " + runId);
        }
        return plan.run(newRun)
                .phase(StagePhase.Queued, message)
                .condition(
                        ConditionUpdate.isTrue(
                                PredecessorsPromoted,
                                s.predecessors().isEmpty() ? "NoPredecessors" : "AllPromoted",
                                s.predecessors().isEmpty()
                                        ? "the stage has no predecessors"
                                        : "promoted: "
                                                + s.predecessors().stream()
                                                        .map(PredecessorState::name)
                                                        .collect(Collectors.joining(", "))))
                .condition(ConditionUpdate.unknown(Trained, "Training", message))
                .condition(
                        ConditionUpdate.unknown(GatePassed, "NotEvaluated", "the run is training"))
                .condition(ConditionUpdate.isFalse(Promoted, "NotEvaluated", "the run is training"))
                .event(
                        EventReason.RunStarted,
                        message + (initFrom == null ? "" : ", initialised from " + initFrom))
                .build();
    }

    private static StagePlan followAttempt(StageSnapshot s) {
        PillsnapStageStatus status = s.status();
        RunStatus recorded = status.run();
        // a later attempt may exist that the status does not know yet (operator restarted
        // between creating a Job and recording it): adopt it
        int attempt = Math.max(recorded.attempt(), s.run().highestAttempt());
        int charged =
                Math.max(
                        nullToZero(recorded.failedAttempts()),
                        s.run().chargedFailuresBefore(attempt));
        int disruptions = Math.max(nullToZero(recorded.disruptions()), s.run().disruptedPods());
        String resumeFrom =
                attempt > 1
                        ? RunNames.lastCheckpoint(recorded.artifactsPath())
                        : recorded.resumeFrom();
        RunStatus run =
                recorded.withAttempt(
                        attempt,
                        charged,
                        disruptions,
                        RunNames.jobName(s.name(), recorded.number(), attempt),
                        resumeFrom);
        StagePlan.Builder plan = StagePlan.keeping(status).run(run);
        Optional<ObservedAttempt> observed = s.run().attempt(attempt);
        if (observed.isEmpty()) {
            return plan.phase(StagePhase.Queued, "creating trainer Job " + run.job()).build();
        }
        ObservedAttempt current = observed.get();
        return switch (current.state()) {
            case SUSPENDED ->
                    plan.phase(
                                    StagePhase.Queued,
                                    "trainer Job "
                                            + current.jobName()
                                            + " is suspended"
                                            + queueHint(s.stage().getSpec()))
                            .build();
            case PENDING ->
                    plan.phase(
                                    StagePhase.Queued,
                                    "waiting for the trainer pod of Job "
                                            + current.jobName()
                                            + ": "
                                            + current.detail())
                            .build();
            case RUNNING -> {
                String message =
                        "training, attempt " + attempt + " (Job " + current.jobName() + ")";
                yield plan.phase(StagePhase.Training, message)
                        .condition(ConditionUpdate.unknown(Trained, "Training", message))
                        .eventOnEntry(EventReason.TrainingStarted, message)
                        .build();
            }
            case SUCCEEDED -> trainerSucceeded(s, plan, run, current);
            case FAILED -> attemptFailed(s, plan, run, current);
        };
    }

    private static StagePlan trainerSucceeded(
            StageSnapshot s, StagePlan.Builder plan, RunStatus run, ObservedAttempt attempt) {
        plan.run(run.withCompletionTime(s.now().toString()));
        PillsnapStageSpec spec = s.stage().getSpec();
        Decoded decoded = TrainerResultCodec.decode(attempt.terminationMessage());
        if (decoded instanceof Decoded.Unreadable unreadable) {
            String message =
                    "trainer Job "
                            + attempt.jobName()
                            + " finished but its result is unreadable: "
                            + unreadable.reason();
            GateStatus gate =
                    GateEvaluator.evaluate(
                            spec.successCriteria(),
                            null,
                            ExportVerdict.notReported(),
                            s.generation());
            return plan.phase(StagePhase.Failed, message)
                    .metrics(null)
                    .gate(gate)
                    .condition(ConditionUpdate.isFalse(Trained, "InvalidResult", message))
                    .condition(ConditionUpdate.isFalse(GatePassed, "Inconclusive", gate.summary()))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.InvalidResult, message)
                    .build();
        }
        TrainerResult result = ((Decoded.Readable) decoded).result();
        if (result.outcome() == TrainerResult.Outcome.Failed) {
            String message = "the trainer reported a failure: " + excerpt(result.message());
            return plan.phase(StagePhase.Failed, message)
                    .condition(ConditionUpdate.isFalse(Trained, "TrainerFailed", message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.TrainerFailed, message)
                    .build();
        }
        StageMetrics metrics = StageMetrics.of(result.knownMetrics());
        ExportVerdict export = ExportVerdict.of(result);
        plan.metrics(metrics)
                .artifacts(artifacts(result, export))
                .lineage(lineage(result, attempt, run))
                .progress(finalProgress(result, spec))
                .condition(
                        ConditionUpdate.isTrue(
                                Trained,
                                "TrainerSucceeded",
                                "trained "
                                        + result.epochs()
                                        + " epochs, best epoch "
                                        + result.bestEpoch()));
        GateStatus gate =
                GateEvaluator.evaluate(spec.successCriteria(), metrics, export, s.generation());
        return decideOnGate(s, plan, gate, run);
    }

    private static StagePlan attemptFailed(
            StageSnapshot s, StagePlan.Builder plan, RunStatus run, ObservedAttempt attempt) {
        FailureKind kind = attempt.failureKind();
        String cause = failureCause(attempt);
        if (kind.isPermanent()) {
            boolean config = kind == FailureKind.INVALID_CONFIGURATION;
            String message =
                    (config ? "invalid configuration" : "invalid data")
                            + " (trainer exit code "
                            + attempt.exitCode()
                            + "): "
                            + cause
                            + "; fix the "
                            + (config ? "spec" : "dataset")
                            + ", then set a new spec.rerunNonce (not retried: retrying cannot help)";
            return plan.phase(StagePhase.Failed, message)
                    .condition(
                            ConditionUpdate.isFalse(
                                    Trained,
                                    config ? "InvalidConfiguration" : "InvalidData",
                                    message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(
                            config ? EventReason.InvalidConfiguration : EventReason.InvalidData,
                            message)
                    .build();
        }
        int next = attempt.attempt() + 1;
        String checkpoint = RunNames.lastCheckpoint(run.artifactsPath());
        if (kind == FailureKind.DISRUPTION) {
            String message =
                    "attempt "
                            + attempt.attempt()
                            + " was preempted or evicted; attempt "
                            + next
                            + " resumes from "
                            + checkpoint
                            + " (not charged to the retry budget)";
            return plan.run(nextAttempt(s, run, next, run.failedAttempts(), checkpoint))
                    .phase(StagePhase.Queued, message)
                    .event(EventReason.Disrupted, message)
                    .build();
        }
        int charged = run.failedAttempts() + 1;
        int limit = run.retryLimit();
        if (charged > limit) {
            String message =
                    "attempt "
                            + attempt.attempt()
                            + " failed ("
                            + cause
                            + "); no retries left ("
                            + limit
                            + " allowed by spec.training.maxRetries)";
            return plan.run(
                            run.withAttempt(
                                    run.attempt(),
                                    charged,
                                    run.disruptions(),
                                    run.job(),
                                    run.resumeFrom()))
                    .phase(StagePhase.Failed, message)
                    .condition(ConditionUpdate.isFalse(Trained, "RetriesExhausted", message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.RetriesExhausted, message)
                    .build();
        }
        String message =
                "attempt "
                        + attempt.attempt()
                        + " failed ("
                        + cause
                        + "); attempt "
                        + next
                        + " resumes from "
                        + checkpoint
                        + " (retry "
                        + charged
                        + " of "
                        + limit
                        + ")";
        return plan.run(nextAttempt(s, run, next, charged, checkpoint))
                .phase(StagePhase.Queued, message)
                .event(EventReason.AttemptFailed, message)
                .build();
    }

    private static RunStatus nextAttempt(
            StageSnapshot s, RunStatus run, int attempt, int charged, String checkpoint) {
        return run.withAttempt(
                attempt,
                charged,
                run.disruptions(),
                RunNames.jobName(s.name(), run.number(), attempt),
                checkpoint);
    }

    private static StagePlan awaitApproval(StageSnapshot s) {
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

    private static StagePlan regateIfCriteriaChanged(StageSnapshot s) {
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
                        s.status().metrics(),
                        export,
                        s.generation());
        plan.event(
                EventReason.GateReevaluated,
                "spec changed: gate evaluated again on the run's metrics: " + gate.result());
        return decideOnGate(s, plan, gate, s.status().run());
    }

    private static StagePlan decideOnGate(
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
                String message =
                        "gate passed; promotion is Manual: approve with kubectl annotate ps "
                                + s.name()
                                + " "
                                + ApiConstants.ANNOTATION_APPROVE
                                + "="
                                + run.id()
                                + " --overwrite";
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

    private static String describe(PredecessorState p, StageSnapshot s) {
        if (!p.exists()) {
            return "stage '"
                    + p.name()
                    + "' to be Promoted (it does not exist in namespace "
                    + s.stage().getMetadata().getNamespace()
                    + ")";
        }
        if (p.isDeadEnd()) {
            return "stage '"
                    + p.name()
                    + "' to be Promoted (it is "
                    + p.phase()
                    + ": run it again with a new spec.rerunNonce)";
        }
        return "stage '"
                + p.name()
                + "' to be Promoted (it is "
                + Objects.requireNonNullElse(p.phase(), "not started")
                + ")";
    }

    private static String blockingReason(List<PredecessorState> blockers) {
        if (blockers.stream().anyMatch(p -> !p.exists())) {
            return "PredecessorNotFound";
        }
        if (blockers.stream().anyMatch(PredecessorState::isDeadEnd)) {
            return "PredecessorNotPromotable";
        }
        return "PredecessorNotPromoted";
    }

    private static String queueHint(PillsnapStageSpec spec) {
        String queue = spec.resources().queueName();
        return queue == null
                ? " (spec.suspend is set on the Job)"
                : " (waiting for Kueue queue '" + queue + "' to admit it)";
    }

    private static String failureCause(ObservedAttempt attempt) {
        Decoded decoded = TrainerResultCodec.decode(attempt.terminationMessage());
        String trainerSays =
                decoded instanceof Decoded.Readable readable
                        ? readable.result().message()
                        : attempt.terminationMessage();
        String base =
                attempt.exitCode() == null
                        ? attempt.detail()
                        : "exit code " + attempt.exitCode() + ", " + attempt.detail();
        return trainerSays == null || trainerSays.isBlank()
                ? base
                : base + "; trainer: " + excerpt(trainerSays);
    }

    private static ArtifactStatus artifacts(TrainerResult result, ExportVerdict export) {
        TrainerResult.Artifacts files = result.artifacts();
        return new ArtifactStatus(
                files == null ? null : files.path(),
                null,
                files == null ? null : files.files(),
                export.maxAbsDiff(),
                export.top1Agreement(),
                export.passed());
    }

    private static LineageStatus lineage(
            TrainerResult result, ObservedAttempt attempt, RunStatus run) {
        TrainerResult.DataSummary data = result.data();
        return new LineageStatus(
                data == null ? null : data.manifestSha256(),
                data == null ? null : data.classMapSha256(),
                data == null ? null : data.classes(),
                data == null ? null : data.trainImages(),
                data == null ? null : data.valImages(),
                data == null ? null : data.skipped(),
                attempt.image(),
                run.initFrom());
    }

    private static ProgressStatus finalProgress(TrainerResult result, PillsnapStageSpec spec) {
        Integer epoch = result.epochs();
        int planned = spec.training().epochs();
        return ProgressStatus.of(
                epoch,
                planned,
                result.knownMetrics().get(io.pillsnap.api.v1alpha1.spec.Metric.TOP1),
                0L,
                null);
    }

    private static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MESSAGE_EXCERPT
                ? oneLine
                : oneLine.substring(0, MESSAGE_EXCERPT) + "...";
    }

    private static int nullToZero(Integer value) {
        return value == null ? 0 : value;
    }
}
