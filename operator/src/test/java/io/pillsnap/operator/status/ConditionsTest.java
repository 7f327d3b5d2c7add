package io.pillsnap.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.operator.plan.ConditionUpdate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {

    private static final Instant T1 = Instant.parse("2026-01-01T00:00:00.123Z");
    private static final Instant T2 = Instant.parse("2026-01-01T01:00:00Z");

    @Test
    void keepsTransitionTimeWhileTheStatusStaysTheSame() {
        List<Condition> first =
                Conditions.merge(
                        List.of(),
                        List.of(
                                ConditionUpdate.unknown(
                                        ConditionType.Trained, "Training", "attempt 1")),
                        1,
                        T1);
        List<Condition> second =
                Conditions.merge(
                        first,
                        List.of(
                                ConditionUpdate.unknown(
                                        ConditionType.Trained, "Training", "attempt 2")),
                        2,
                        T2);

        assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(second.get(0).getMessage()).isEqualTo("attempt 2");
        assertThat(second.get(0).getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void movesTransitionTimeWhenTheStatusChanges() {
        List<Condition> first =
                Conditions.merge(
                        List.of(),
                        List.of(ConditionUpdate.unknown(ConditionType.Trained, "Training", "")),
                        1,
                        T1);
        List<Condition> second =
                Conditions.merge(
                        first,
                        List.of(
                                ConditionUpdate.isTrue(
                                        ConditionType.Trained, "TrainerSucceeded", "")),
                        1,
                        T2);

        assertThat(second.get(0).getStatus()).isEqualTo("True");
        assertThat(second.get(0).getLastTransitionTime()).isEqualTo("2026-01-01T01:00:00Z");
    }

    @Test
    void conditionNotEvaluatedAgainKeepsItsObservedGeneration() {
        List<Condition> first =
                Conditions.merge(
                        List.of(),
                        List.of(
                                ConditionUpdate.isTrue(
                                        ConditionType.PredecessorsPromoted, "NoPredecessors", "")),
                        1,
                        T1);

        List<Condition> second =
                Conditions.merge(
                        first,
                        List.of(ConditionUpdate.unknown(ConditionType.Trained, "Training", "")),
                        2,
                        T2);

        assertThat(second.get(0).getType()).isEqualTo("PredecessorsPromoted");
        assertThat(second.get(0).getObservedGeneration()).isEqualTo(1L);
        assertThat(second.get(1).getObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void keepsUntouchedConditionsInAStableOrder() {
        List<Condition> first =
                Conditions.merge(
                        List.of(),
                        List.of(
                                ConditionUpdate.isFalse(ConditionType.Promoted, "NotEvaluated", ""),
                                ConditionUpdate.isTrue(
                                        ConditionType.PredecessorsPromoted, "NoPredecessors", "")),
                        1,
                        T1);
        List<Condition> second =
                Conditions.merge(
                        first,
                        List.of(ConditionUpdate.unknown(ConditionType.Trained, "Training", "")),
                        3,
                        T2);

        assertThat(second)
                .extracting(Condition::getType)
                .containsExactly("PredecessorsPromoted", "Trained", "Promoted");
        assertThat(second).extracting(Condition::getObservedGeneration).containsExactly(1L, 3L, 1L);
    }
}
