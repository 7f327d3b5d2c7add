package io.pillsnap.operator.event;

/** The closed set of reasons of the Events the operator records on a stage. */
public enum EventReason {
    Waiting(false),
    RerunRequested(false),
    RunStarted(false),
    TrainingStarted(false),
    ReadingResult(true),
    ResultReaderFailed(true),
    AttemptFailed(true),
    Disrupted(true),
    RetriesExhausted(true),
    InvalidConfiguration(true),
    InvalidData(true),
    InvalidResult(true),
    TrainerFailed(true),
    GateReevaluated(false),
    GateFailed(true),
    GateInconclusive(true),
    AwaitingApproval(false),
    Promoted(false),
    StaleJobDeleted(false),
    RolloutStarted(false),
    ServingSwitched(false),
    ServingSuperseded(false),
    RolloutFailed(true),
    ReconcileFailed(true);

    private final boolean warning;

    EventReason(boolean warning) {
        this.warning = warning;
    }

    /** The Kubernetes event type: Normal or Warning. */
    public String type() {
        return warning ? "Warning" : "Normal";
    }
}
