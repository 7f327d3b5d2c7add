package io.pillsnap.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.testing.TestStages;
import org.junit.jupiter.api.Test;

class InferenceDeploymentFactoryTest {

    private static final OperatorConfig CONFIG = OperatorConfig.forTests();
    private static final String VERSION = "stage2/r3-0a1b2c3d";

    @Test
    void servesTheRunFolderReadOnlyAsNonRootAndIsReadyOnlyOnceVerified() {
        PillsnapStage stage = TestStages.stage("stage2", 2).serving("pills", 600).buildStored();

        Deployment deployment = InferenceDeploymentFactory.create(stage, VERSION, CONFIG, 2);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container server = pod.getContainers().get(0);

        assertThat(deployment.getMetadata().getName()).isEqualTo("stage2-r3-0a1b2c3d");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsEntry(ApiConstants.LABEL_MODEL_VERSION, "stage2.r3-0a1b2c3d");
        assertThat(deployment.getMetadata().getLabels())
                .containsEntry(ApiConstants.LABEL_TRACK, "pills");
        assertThat(deployment.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getController()).isTrue());
        assertThat(server.getImage()).isEqualTo(CONFIG.inferenceImage());
        assertThat(server.getArgs())
                .containsExactly("--model-dir=/models/pillsnap/stage2/r3-0a1b2c3d", "--port=8000");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(server.getResources().getLimits())
                .containsEntry("cpu", new Quantity("2"))
                .containsEntry("memory", new Quantity("2Gi"));
        assertThat(server.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(server.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Volume models =
                pod.getVolumes().stream()
                        .filter(v -> v.getName().equals("models"))
                        .findFirst()
                        .orElseThrow();
        assertThat(models.getPersistentVolumeClaim().getClaimName())
                .isEqualTo(CONFIG.artifactsClaim());
        assertThat(models.getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(server.getVolumeMounts())
                .filteredOn(m -> m.getName().equals("models"))
                .singleElement()
                .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
        assertThat(pod.getVolumes()).noneMatch(v -> v.getSecret() != null);
    }

    @Test
    void replicasLeftToTheAutoscalerAreLeftOut() {
        PillsnapStage stage =
                TestStages.stage("stage2", 2)
                        .serving("pills", 600)
                        .autoscaling(AutoscalingSpec.onCpu(2, 6, 70))
                        .buildStored();

        Deployment deployment = InferenceDeploymentFactory.create(stage, VERSION, CONFIG, null);

        assertThat(deployment.getSpec().getReplicas()).isNull();
        assertThat(Serialization.asJson(deployment.getSpec())).doesNotContain("replicas");
    }

    @Test
    void movingAStageToAnotherTrackChangesNeitherSelectorNorPods() {
        PillsnapStage onPills = TestStages.stage("stage2", 2).serving("pills", 600).buildStored();
        PillsnapStage onCanary = TestStages.stage("stage2", 2).serving("canary", 600).buildStored();

        Deployment before = InferenceDeploymentFactory.create(onPills, VERSION, CONFIG, 1);
        Deployment after = InferenceDeploymentFactory.create(onCanary, VERSION, CONFIG, 1);

        // a Deployment's selector is immutable: a changed one is refused with a 422
        assertThat(after.getSpec().getSelector()).isEqualTo(before.getSpec().getSelector());
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getMetadata().getLabels())
                .containsEntry(ApiConstants.LABEL_TRACK, "canary");
    }

    @Test
    void apiKeySecretIsMountedWhereTheServerReadsKeys() {
        PillsnapStage stage =
                TestStages.stage("stage2", 2)
                        .serving("pills", 600)
                        .apiKeySecret("inference-keys")
                        .buildStored();

        PodSpec pod =
                InferenceDeploymentFactory.create(stage, VERSION, CONFIG, 1)
                        .getSpec()
                        .getTemplate()
                        .getSpec();

        Volume keys =
                pod.getVolumes().stream()
                        .filter(v -> v.getSecret() != null)
                        .findFirst()
                        .orElseThrow();
        assertThat(keys.getSecret().getSecretName()).isEqualTo("inference-keys");
        assertThat(keys.getSecret().getItems())
                .singleElement()
                .satisfies(item -> assertThat(item.getPath()).isEqualTo("api-keys"));
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .filteredOn(m -> m.getName().equals(keys.getName()))
                .singleElement()
                .satisfies(
                        m -> {
                            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/pillsnap");
                            assertThat(m.getReadOnly()).isTrue();
                        });
    }
}
