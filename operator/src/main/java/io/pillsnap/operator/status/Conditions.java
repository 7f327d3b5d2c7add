package io.pillsnap.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.operator.plan.ConditionUpdate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Merges condition updates into the current conditions, following the Kubernetes API conventions:
 * lastTransitionTime changes only when the status changes, observedGeneration is the generation the
 * condition was evaluated for (a condition not re-evaluated in this pass keeps its own), and the
 * order is stable.
 */
public final class Conditions {

    private Conditions() {}

    public static List<Condition> merge(
            List<Condition> current, List<ConditionUpdate> updates, long generation, Instant now) {
        List<Condition> merged = new ArrayList<>();
        for (ConditionType type : ConditionType.values()) {
            Optional<Condition> previous =
                    current.stream().filter(c -> type.name().equals(c.getType())).findFirst();
            Optional<ConditionUpdate> update =
                    updates.stream().filter(u -> u.type() == type).findFirst();
            if (update.isPresent()) {
                ConditionUpdate u = update.get();
                String since =
                        previous.filter(p -> Objects.equals(p.getStatus(), u.status()))
                                .map(Condition::getLastTransitionTime)
                                .orElse(timestamp(now));
                merged.add(
                        new ConditionBuilder()
                                .withType(type.name())
                                .withStatus(u.status())
                                .withReason(u.reason())
                                .withMessage(u.message())
                                .withObservedGeneration(generation)
                                .withLastTransitionTime(since)
                                .build());
            } else {
                previous.ifPresent(merged::add);
            }
        }
        return merged;
    }

    /** RFC 3339 in whole seconds, as Kubernetes writes times. */
    public static String timestamp(Instant instant) {
        return instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }
}
