package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.status.ConditionType.GatePassed;
import static io.pillsnap.api.v1alpha1.status.ConditionType.PredecessorsPromoted;
import static io.pillsnap.api.v1alpha1.status.ConditionType.Promoted;
import static io.pillsnap.api.v1alpha1.status.ConditionType.Trained;

import io.pillsnap.api.gate.ExportVerdict;
import io.pillsnap.api.gate.GateEvaluator;
import io.pillsnap.api.gate.RunMetrics;
import io.pillsnap.api.trainer.TrainerResult;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.trainer.TrainerResultCodec.Decoded;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.api.v1alpha1.status.GateStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.RunNames;
import io.pillsnap.operator.desired.TrainerJobFactory;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.observe.AttemptState;
import io.pillsnap.operator.observe.FailureKind;
import io.pillsnap.operator.observe.ObservedAttempt;
import io.pillsnap.operator.observe.ObservedReader;
import io.pillsnap.operator.observe.PredecessorState;
import io.pillsnap.operator.observe.StageSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The stage's state machine: from the spec, the current status and what is observed, decides the
 * next phase, the run and attempt that must exist, and what to record. Pure: no client, no clock
 * (the time is in the snapshot), so every decision is unit-tested without a cluster. A missing
 * observation is never a failure: the plan waits for it, with the reason in the message.
 */
public final class PhasePlanner {

    private PhasePlanner() {}

    public static StagePlan plan(StageSnapshot snapshot, PlanSettings settings) {
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
            case Waiting, Queued, Training -> followAttempt(snapshot, settings);
            case Evaluating ->
                    resultRecorded(status)
                            ? GateDecisions.awaitApproval(snapshot)
                            : followAttempt(snapshot, settings);
            case Rejected -> GateDecisions.regateIfCriteriaChanged(snapshot);
            case Promoted, Failed -> StagePlan.keeping(status).build();
        };
    }

    /** Whether the run's result is in the status: its gate was evaluated. */
    private static boolean resultRecorded(PillsnapStageStatus status) {
        return status.gate() != null;
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
            String message = StageMessages.waitingFor(blockers, s);
            return plan.phase(StagePhase.Waiting, message)
                    .condition(
                            ConditionUpdate.isFalse(
                                    PredecessorsPromoted,
                                    StageMessages.blockingReason(blockers),
                                    message))
                    .eventOnEntry(EventReason.Waiting, message)
                    .build();
        }
        PillsnapStageSpec spec = s.stage().getSpec();
        Optional<String> unproducible = unproducibleCriteria(spec);
        if (unproducible.isPresent()) {
            // the CRD refuses such a spec; a cluster without CEL validation (before Kubernetes
            // 1.25) lets it through, and a GPU run that cannot pass is never started
            return plan.phase(StagePhase.Failed, unproducible.get())
                    .condition(ConditionUpdate.isFalse(Trained, "InvalidSpec", unproducible.get()))
                    .eventOnEntry(EventReason.InvalidConfiguration, unproducible.get())
                    .build();
        }
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
        String job = RunNames.jobName(s.name(), runId, 1);
        RunStatus newRun =
                RunStatus.builder()
                        .id(runId)
                        .number(number)
                        .nonce(spec.rerunNonce())
                        .attempt(1)
                        .failedAttempts(0)
                        .retryLimit(spec.training().maxRetries())
                        .disruptions(0)
                        .job(job)
                        .artifactsPath(artifactsPath)
                        .resumeFrom(RunNames.lastCheckpoint(artifactsPath))
                        .initFrom(initFrom)
                        .startTime(s.now().toString())
                        .specHash(TrainerJobFactory.specHash(spec))
                        .build();
        String message = StageMessages.runStarted(runId, job);
        if (rerun) {
            plan.event(
                    EventReason.RerunRequested, "spec.rerunNonce changed: starting run " + runId);
        }
        return plan.run(newRun)
                .phase(StagePhase.Queued, message)
                .needsTrainer()
                .condition(
                        ConditionUpdate.isTrue(
                                PredecessorsPromoted,
                                s.predecessors().isEmpty() ? "NoPredecessors" : "AllPromoted",
                                StageMessages.promotedPredecessors(s.predecessors())))
                .condition(ConditionUpdate.unknown(Trained, "Training", message))
                .condition(
                        ConditionUpdate.unknown(GatePassed, "NotEvaluated", "the run is training"))
                .condition(ConditionUpdate.isFalse(Promoted, "NotEvaluated", "the run is training"))
                .event(
                        EventReason.RunStarted,
                        message + (initFrom == null ? "" : ", initialised from " + initFrom))
                .build();
    }

    /**
     * The criteria the stage's tasks cannot produce (mAP without a detector, pipelineTop1 without
     * both models, classifier metrics without a classifier), as a message naming the fix.
     */
    static Optional<String> unproducibleCriteria(PillsnapStageSpec spec) {
        boolean classifies = spec.tasks().contains(Task.CLASSIFICATION);
        boolean detects = spec.tasks().contains(Task.DETECTION);
        List<String> problems = new java.util.ArrayList<>();
        for (SuccessCriterion criterion : spec.successCriteria()) {
            Metric metric = criterion.metric();
            if (metric.needsBothTasks() && !(classifies && detects)) {
                problems.add(
                        metric.key()
                                + " needs both models (spec.tasks: [classification,"
                                + " detection])");
            } else if (metric.isDetection() && !detects) {
                problems.add(metric.key() + " needs a detector (detection in spec.tasks)");
            } else if (metric.isClassification() && !classifies) {
                problems.add(metric.key() + " needs a classifier (classification in spec.tasks)");
            }
        }
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                "spec.successCriteria cannot be met by spec.tasks "
                        + spec.tasks().stream()
                                .map(t -> t.name().toLowerCase(java.util.Locale.ROOT))
                                .toList()
                        + ": "
                        + String.join("; ", problems)
                        + ". Add the task or drop the criterion; no run is started until then");
    }

    private static StagePlan followAttempt(StageSnapshot s, PlanSettings settings) {
        PillsnapStageStatus status = s.status();
        RunStatus recorded = status.run();
        // a later attempt than the status knows exists only when an operator that did not record
        // its intent first made it (before an upgrade): adopt it
        int attempt = Math.max(recorded.attempt(), s.run().highestAttempt());
        int charged =
                Math.max(
                        nullToZero(recorded.failedAttempts()),
                        s.run().chargedFailuresBefore(attempt));
        int disruptions = Math.max(nullToZero(recorded.disruptions()), s.run().disruptedPods());
        RunStatus run =
                recorded.toBuilder()
                        .attempt(attempt)
                        .failedAttempts(charged)
                        .disruptions(disruptions)
                        .job(RunNames.jobName(s.name(), recorded.id(), attempt))
                        .resumeFrom(RunNames.lastCheckpoint(recorded.artifactsPath()))
                        .build();
        Optional<ObservedAttempt> observed = s.run().attempt(attempt);
        if (observed.isEmpty()) {
            // the Job is made from the spec as it is now: that is what the status records first
            run = run.toBuilder().specHash(TrainerJobFactory.specHash(s.stage().getSpec())).build();
            return StagePlan.keeping(status)
                    .run(run)
                    .phase(StagePhase.Queued, "creating trainer Job " + run.job())
                    .needsTrainer()
                    .build();
        }
        ObservedAttempt current = observed.get();
        if (current.specHash() != null && !current.specHash().equals(run.specHash())) {
            // the Job says what it was made from; the status follows it (adopted Jobs)
            run = run.toBuilder().specHash(current.specHash()).build();
        }
        StagePlan.Builder plan = StagePlan.keeping(status).run(run);
        return switch (current.state()) {
            case SUSPENDED -> suspended(s, plan, run, current);
            case PENDING -> waitingForPod(s, plan, run, current);
            case RUNNING ->
                    training(s, plan, StageMessages.training(attempt, current.jobName())).build();
            case RAN ->
                    current.waitingSince() == null
                            ? training(s, plan, StageMessages.ran(attempt, current)).build()
                            : waitingForPod(s, plan, run, current);
            case SUCCEEDED, UNREPORTED -> trainerCompleted(s, settings, plan, run, current);
            case FAILED -> attemptFailed(s, plan, run, current);
        };
    }

    /**
     * The Job waits suspended, for Kueue to admit it (or for whoever suspended it): the stage is
     * Queued with Kueue's reason. A Job suspended again after its pod ran was evicted: counted, not
     * charged, and the same attempt resumes from the run's checkpoint when admitted again. The
     * operator never un-suspends a Job.
     */
    private static StagePlan suspended(
            StageSnapshot s, StagePlan.Builder plan, RunStatus run, ObservedAttempt current) {
        String message = StageMessages.suspended(current, s.stage().getSpec().resources());
        String reason =
                current.startProblem() == null ? "Suspended" : current.startProblem().reason();
        if (s.status().phase() == StagePhase.Training) {
            plan.run(run.toBuilder().evictions(run.evicted() + 1).build())
                    .event(
                            EventReason.Disrupted,
                            StageMessages.evicted(
                                    current, RunNames.lastCheckpoint(run.artifactsPath())));
        }
        return plan.phase(StagePhase.Queued, message)
                .needsTrainer()
                .condition(ConditionUpdate.unknown(Trained, reason, message))
                .build();
    }

    private static StagePlan.Builder training(
            StageSnapshot s, StagePlan.Builder plan, String message) {
        if (s.progress() != null) {
            plan.progress(s.progress());
        }
        return plan.phase(StagePhase.Training, message)
                .needsTrainer()
                .condition(ConditionUpdate.unknown(Trained, "Training", message))
                .eventOnEntry(EventReason.TrainingStarted, message);
    }

    /**
     * The attempt waits for a trainer pod to run: its first (Queued), or one replacing a disrupted
     * pod (Training). The cause, when the cluster gives one, is the Trained condition's reason;
     * past spec.resources.startTimeoutSeconds the attempt fails and is charged.
     */
    private static StagePlan waitingForPod(
            StageSnapshot s, StagePlan.Builder plan, RunStatus run, ObservedAttempt current) {
        Duration timeout =
                Duration.ofSeconds(s.stage().getSpec().resources().startTimeoutSeconds());
        Instant since = current.waitingSince();
        Instant deadline = since == null ? null : since.plus(timeout);
        if (deadline != null && !s.now().isBefore(deadline)) {
            ObservedAttempt timedOut =
                    current.toBuilder()
                            .state(AttemptState.FAILED)
                            .failureKind(FailureKind.START_TIMEOUT)
                            .detail(StageMessages.didNotStart(current, timeout))
                            .build();
            return attemptFailed(s, plan, run, timedOut);
        }
        boolean replacing = current.state() == AttemptState.RAN;
        String message =
                replacing
                        ? StageMessages.ran(current.attempt(), current)
                        : StageMessages.pending(current);
        String condition = StageMessages.waitingForPod(message, deadline, timeout);
        String reason =
                current.startProblem() == null ? "Pending" : current.startProblem().reason();
        StagePlan.Builder waiting =
                replacing
                        ? training(s, plan, condition)
                        : plan.phase(StagePhase.Queued, condition).needsTrainer();
        waiting.condition(ConditionUpdate.unknown(Trained, reason, condition));
        if (deadline != null) {
            waiting.recheckAfter(Duration.between(s.now(), deadline));
        }
        return waiting.build();
    }

    /**
     * The Job completed. The result normally comes with the pod's termination message; when the
     * pod's status has not arrived, wait a bounded time for it; when the pod is gone (or reported
     * nothing), read result.json from the run folder with a reader Job. Only a reader that ran and
     * found no file loses the run's result; a reader that failed for its own reasons is started
     * again after a backoff.
     */
    private static StagePlan trainerCompleted(
            StageSnapshot s,
            PlanSettings settings,
            StagePlan.Builder plan,
            RunStatus run,
            ObservedAttempt attempt) {
        String resultFile = RunNames.resultFile(run.artifactsPath());
        if (attempt.state() == AttemptState.SUCCEEDED && !attempt.resultLost()) {
            return resultReported(s, plan, run, attempt, attempt.terminationMessage());
        }
        ObservedReader latest = s.run().resultReader();
        // a read the status does not know yet (a restart between creating and recording it)
        int reads = Math.max(run.reads(), latest == null ? 0 : latest.read());
        RunStatus current = run.toBuilder().resultReads(reads == 0 ? null : reads).build();
        plan.run(current);
        ObservedReader reader = latest != null && latest.read() == reads ? latest : null;
        if (reader != null && reader.state() == AttemptState.SUCCEEDED) {
            return resultReported(s, plan, current, attempt, reader.message());
        }
        if (reader != null && reader.reportedFileAbsent()) {
            String message = StageMessages.resultLost(attempt, resultFile, reader.message());
            return plan.phase(StagePhase.Failed, message)
                    .condition(ConditionUpdate.isFalse(Trained, "ResultLost", message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.InvalidResult, message)
                    .build();
        }
        if (reader != null && reader.failedOnItsOwn()) {
            return readAgain(s, settings, plan, current, attempt, reader);
        }
        boolean waited =
                attempt.finishedAt() == null
                        || !s.now().isBefore(attempt.finishedAt().plus(settings.resultWait()));
        if (reads == 0 && !attempt.resultLost() && !waited) {
            String message =
                    StageMessages.awaitingResult(attempt, settings.resultWait(), resultFile);
            return awaitingResult(plan, message)
                    .recheckAfter(
                            Duration.between(
                                    s.now(), attempt.finishedAt().plus(settings.resultWait())))
                    .build();
        }
        if (reads == 0) {
            String message = StageMessages.readingResult(attempt, resultFile, null);
            return awaitingResult(plan.run(current.toBuilder().resultReads(1).build()), message)
                    .readResult()
                    .event(EventReason.ReadingResult, message)
                    .build();
        }
        String readerState =
                reader == null
                        ? null
                        : "reader Job "
                                + reader.jobName()
                                + (reader.detail() == null ? "" : ": " + reader.detail());
        return awaitingResult(plan, StageMessages.readingResult(attempt, resultFile, readerState))
                .readResult()
                .build();
    }

    /**
     * A reader failed for its own reasons (it never started, hit its deadline, could not read, its
     * pod vanished): says why, and reads again once its backoff has passed.
     */
    private static StagePlan readAgain(
            StageSnapshot s,
            PlanSettings settings,
            StagePlan.Builder plan,
            RunStatus run,
            ObservedAttempt attempt,
            ObservedReader reader) {
        String resultFile = RunNames.resultFile(run.artifactsPath());
        Instant next =
                reader.finishedAt() == null
                        ? s.now()
                        : reader.finishedAt().plus(settings.readBackoff(reader.read()));
        if (s.now().isBefore(next)) {
            String message = StageMessages.readerFailed(attempt, resultFile, reader, next);
            if (!message.equals(s.status().message())) {
                plan.event(EventReason.ResultReaderFailed, message);
            }
            return plan.phase(StagePhase.Evaluating, message)
                    .condition(ConditionUpdate.unknown(Trained, "ResultReaderFailed", message))
                    .recheckAfter(Duration.between(s.now(), next))
                    .build();
        }
        int nextRead = reader.read() + 1;
        String message = StageMessages.readingAgain(attempt, resultFile, reader, nextRead);
        return plan.run(run.toBuilder().resultReads(nextRead).build())
                .phase(StagePhase.Evaluating, message)
                .condition(ConditionUpdate.unknown(Trained, "ResultReaderFailed", message))
                .readResult()
                .event(EventReason.ReadingResult, message)
                .build();
    }

    private static StagePlan.Builder awaitingResult(StagePlan.Builder plan, String message) {
        return plan.phase(StagePhase.Evaluating, message)
                .condition(ConditionUpdate.unknown(Trained, "AwaitingResult", message));
    }

    private static StagePlan resultReported(
            StageSnapshot s,
            StagePlan.Builder plan,
            RunStatus run,
            ObservedAttempt attempt,
            String reported) {
        PillsnapStageSpec spec = s.stage().getSpec();
        Decoded decoded = TrainerResultCodec.decode(reported);
        if (decoded instanceof Decoded.Unreadable unreadable) {
            String message = StageMessages.unreadableResult(attempt, unreadable.reason());
            GateStatus gate =
                    GateEvaluator.evaluate(
                            spec.successCriteria(),
                            RunMetrics.none(),
                            ExportVerdict.notReported(),
                            s.generation());
            return plan.run(run.withCompletionTime(s.now().toString()))
                    .phase(StagePhase.Failed, message)
                    .metrics(RunMetrics.none())
                    .gate(gate)
                    .condition(ConditionUpdate.isFalse(Trained, "InvalidResult", message))
                    .condition(ConditionUpdate.isFalse(GatePassed, "Inconclusive", gate.summary()))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.InvalidResult, message)
                    .build();
        }
        TrainerResult result = ((Decoded.Readable) decoded).result();
        boolean failureReport =
                result.outcome() == TrainerResult.Outcome.Failed && result.runId() == null;
        if (!failureReport && !run.id().equals(result.runId())) {
            // a result written for another run (a stage of the same name before this one, a
            // stale folder): never this run's evidence
            String message = StageMessages.resultOfAnotherRun(attempt, result.runId(), run.id());
            return plan.phase(StagePhase.Failed, message)
                    .condition(ConditionUpdate.isFalse(Trained, "ResultOfAnotherRun", message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.InvalidResult, message)
                    .build();
        }
        plan.run(run.withCompletionTime(s.now().toString()));
        if (result.outcome() == TrainerResult.Outcome.Failed) {
            String message = StageMessages.trainerFailed(result.message());
            return plan.phase(StagePhase.Failed, message)
                    .condition(ConditionUpdate.isFalse(Trained, "TrainerFailed", message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.TrainerFailed, message)
                    .build();
        }
        RunMetrics metrics = RunMetrics.of(result);
        ExportVerdict export = ExportVerdict.of(result, spec.tasks());
        plan.metrics(metrics)
                .artifacts(ResultStatus.artifacts(result, export))
                .lineage(ResultStatus.lineage(result, attempt, run))
                .progress(ResultStatus.finalProgress(result, spec))
                .condition(
                        ConditionUpdate.isTrue(
                                Trained,
                                "TrainerSucceeded",
                                StageMessages.trained(result.epochs(), result.bestEpoch())));
        GateStatus gate =
                GateEvaluator.evaluate(spec.successCriteria(), metrics, export, s.generation());
        return GateDecisions.decideOnGate(s, plan, gate, run);
    }

    private static StagePlan attemptFailed(
            StageSnapshot s, StagePlan.Builder plan, RunStatus run, ObservedAttempt attempt) {
        FailureKind kind = attempt.failureKind();
        if (kind.isPermanent()) {
            boolean config = kind == FailureKind.INVALID_CONFIGURATION;
            String message = StageMessages.permanentFailure(config, attempt);
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
            String message = StageMessages.disrupted(attempt.attempt(), next, checkpoint);
            return plan.run(nextAttempt(s, run, next, run.failedAttempts()))
                    .phase(StagePhase.Queued, message)
                    .needsTrainer()
                    .event(EventReason.Disrupted, message)
                    .build();
        }
        int charged = run.failedAttempts() + 1;
        int limit = run.retryLimit();
        String reason = kind == FailureKind.START_TIMEOUT ? "StartTimeout" : "RetriesExhausted";
        if (charged > limit) {
            String message = StageMessages.retriesExhausted(attempt, limit);
            return plan.run(run.withFailedAttempts(charged))
                    .phase(StagePhase.Failed, message)
                    .condition(ConditionUpdate.isFalse(Trained, reason, message))
                    .condition(ConditionUpdate.isFalse(Promoted, "NotTrained", message))
                    .event(EventReason.RetriesExhausted, message)
                    .build();
        }
        String message = StageMessages.retrying(attempt, next, checkpoint, charged, limit);
        return plan.run(nextAttempt(s, run, next, charged))
                .phase(StagePhase.Queued, message)
                .needsTrainer()
                .condition(
                        ConditionUpdate.unknown(
                                Trained,
                                kind == FailureKind.START_TIMEOUT
                                        ? "StartTimeout"
                                        : "AttemptFailed",
                                message))
                .event(EventReason.AttemptFailed, message)
                .build();
    }

    private static RunStatus nextAttempt(StageSnapshot s, RunStatus run, int attempt, int charged) {
        return run.toBuilder()
                .attempt(attempt)
                .failedAttempts(charged)
                .job(RunNames.jobName(s.name(), run.id(), attempt))
                .resumeFrom(RunNames.lastCheckpoint(run.artifactsPath()))
                .specHash(TrainerJobFactory.specHash(s.stage().getSpec()))
                .build();
    }

    private static int nullToZero(Integer value) {
        return value == null ? 0 : value;
    }
}
