package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.status.ConditionType;

/** A condition as the planner wants it; the status aggregator adds times and generations. */
public record ConditionUpdate(ConditionType type, String status, String reason, String message) {

    public static ConditionUpdate isTrue(ConditionType type, String reason, String message) {
        return new ConditionUpdate(type, "True", reason, message);
    }

    public static ConditionUpdate isFalse(ConditionType type, String reason, String message) {
        return new ConditionUpdate(type, "False", reason, message);
    }

    public static ConditionUpdate unknown(ConditionType type, String reason, String message) {
        return new ConditionUpdate(type, "Unknown", reason, message);
    }
}
