package io.pillsnap.operator.event;

/** An Event to record on a stage. */
public record StageEvent(EventReason reason, String message) {}
