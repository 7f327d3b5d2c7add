package io.pillsnap.operator.plan;

import io.pillsnap.operator.config.OperatorConfig;
import java.time.Duration;

/**
 * The operator settings decisions depend on.
 *
 * @param resultWait how long a completed trainer Job's pod may take to report the result before it
 *     is read from the run folder instead
 * @param finishedJobRetention how long a finished trainer Job whose outcome the status recorded is
 *     kept (for kubectl logs) before the operator deletes it
 * @param rolloutCheckInterval how often a rollout waiting for Ready pods is looked at again
 */
public record PlanSettings(
        Duration resultWait, Duration finishedJobRetention, Duration rolloutCheckInterval) {

    public static PlanSettings of(OperatorConfig config) {
        return new PlanSettings(
                config.resultWait(), config.finishedJobRetention(), config.rolloutCheckInterval());
    }
}
