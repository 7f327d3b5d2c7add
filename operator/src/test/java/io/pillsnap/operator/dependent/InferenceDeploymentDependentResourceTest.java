package io.pillsnap.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.InferenceDeploymentFactory;
import io.pillsnap.operator.testing.TestStages;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server-side apply match of inference Deployments whose replicas an HPA owns. */
class InferenceDeploymentDependentResourceTest {

    private static final String VERSION = "stage2/r3-0a1b2c3d";
    private static final PillsnapStage STAGE =
            TestStages.stage("stage2", 2)
                    .serving("pills", 600)
                    .autoscaling(AutoscalingSpec.onCpu(2, 6, 70))
                    .buildStored();

    private final InferenceDeploymentDependentResource.ReplicasLeftOutMatcher matcher =
            new InferenceDeploymentDependentResource.ReplicasLeftOutMatcher();

    @Test
    void replicasLeftToTheAutoscalerAreNotCompared() {
        // the operator created it at 2 and still owns the field; its HPA has since set 4
        Deployment actual = deployment(4);
        Deployment desired = deployment(null);

        assertThat(matcher.matches(map(actual), map(desired), actual, desired, null)).isTrue();
    }

    @Test
    void replicasTheOperatorSetsAreCompared() {
        Deployment actual = deployment(4);
        Deployment desired = deployment(1);

        assertThat(matcher.matches(map(actual), map(desired), actual, desired, null)).isFalse();
    }

    @Test
    void otherChangesStillCountWhenReplicasAreLeftOut() {
        Deployment actual = deployment(4);
        Deployment desired = deployment(null);
        desired.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("other:1");

        assertThat(matcher.matches(map(actual), map(desired), actual, desired, null)).isFalse();
    }

    private static Deployment deployment(Integer replicas) {
        return InferenceDeploymentFactory.create(
                STAGE, VERSION, OperatorConfig.forTests(), replicas);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Deployment deployment) {
        return Serialization.jsonMapper().convertValue(deployment, Map.class);
    }
}
