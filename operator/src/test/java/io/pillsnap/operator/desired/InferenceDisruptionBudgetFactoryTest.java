package io.pillsnap.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.testing.TestStages;
import org.junit.jupiter.api.Test;

class InferenceDisruptionBudgetFactoryTest {

    private static final String VERSION = "stage2/r3-0a1b2c3d";

    @Test
    void keepsOnePodOfTheModelAvailableThroughDrains() {
        PillsnapStage stage =
                TestStages.stage("stage2", 2)
                        .serving("pills", 600)
                        .servingReplicas(3)
                        .buildStored();

        PodDisruptionBudget budget = InferenceDisruptionBudgetFactory.create(stage, VERSION);
        Deployment deployment =
                InferenceDeploymentFactory.create(stage, VERSION, OperatorConfig.forTests(), 3);

        assertThat(budget.getApiVersion()).isEqualTo("policy/v1");
        assertThat(budget.getMetadata().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(budget.getSpec().getMaxUnavailable()).isNull();
        assertThat(budget.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector());
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getUnhealthyPodEvictionPolicy()).isEqualTo("AlwaysAllow");
        assertThat(budget.getMetadata().getOwnerReferences())
                .isEqualTo(deployment.getMetadata().getOwnerReferences());
        assertThat(budget.getMetadata().getLabels())
                .isEqualTo(deployment.getMetadata().getLabels());
    }

    @Test
    void protectsOnlyModelsThatRunTwoPodsOrMore() {
        // on one pod, minAvailable 1 would allow no eviction: its node could never be drained
        assertThat(InferenceDisruptionBudgetFactory.protects(0)).isFalse();
        assertThat(InferenceDisruptionBudgetFactory.protects(1)).isFalse();
        assertThat(InferenceDisruptionBudgetFactory.protects(2)).isTrue();
    }
}
