package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import io.pillsnap.operator.config.OperatorConfig;
import java.util.Map;

/**
 * The inference Deployment of one promoted model: the run folder on the artifacts claim mounted
 * read-only, ready only once the server has verified the model files.
 */
public final class InferenceDeploymentFactory {

    /** Key of the API key Secret, and the folder the server reads it from. */
    public static final String API_KEYS_KEY = "api-keys";

    static final String API_KEYS_DIR = "/var/run/secrets/pillsnap";

    private InferenceDeploymentFactory() {}

    /**
     * The Deployment of model {@code version} (stage/run) of {@code stage}.
     *
     * @param replicas null: left as they are, to the model's HorizontalPodAutoscaler
     */
    public static Deployment create(
            PillsnapStage stage, String version, OperatorConfig config, Integer replicas) {
        ServingSpec serving = stage.getSpec().serving();
        Map<String, String> labels = ServingNames.labels(stage, version);
        Map<String, String> podLabels = ServingNames.podLabels(stage, version);
        String claim = TrainerJobFactory.artifactsClaim(stage.getSpec(), config);
        Map<String, Quantity> amounts =
                Map.of(
                        "cpu",
                        new Quantity(serving.cpu()),
                        "memory",
                        new Quantity(serving.memory()));
        Deployment deployment =
                new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(ServingNames.deploymentName(version))
                        .withNamespace(stage.getMetadata().getNamespace())
                        .withLabels(labels)
                        .addToAnnotations(ServingNames.ANNOTATION_MODEL_VERSION, version)
                        .withOwnerReferences(Owners.controller(stage))
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(replicas)
                        .withNewSelector()
                        .withMatchLabels(ServingNames.selector(version))
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(podLabels)
                        .addToAnnotations(
                                TrainerLabels.ANNOTATION_STAGE, stage.getMetadata().getName())
                        .endMetadata()
                        .withNewSpec()
                        .withAutomountServiceAccountToken(false)
                        .withImagePullSecrets(
                                config.imagePullSecrets().stream()
                                        .map(LocalObjectReference::new)
                                        .toList())
                        .withEnableServiceLinks(false)
                        .withSecurityContext(PodSecurity.pod())
                        .addNewContainer()
                        .withName("inference")
                        .withImage(config.inferenceImage())
                        .withImagePullPolicy("IfNotPresent")
                        .withArgs(
                                "--model-dir="
                                        + ServingNames.MODELS_MOUNT
                                        + "/"
                                        + ServingNames.artifactsPath(
                                                stage.getMetadata().getNamespace(), version),
                                "--port=" + ServingNames.HTTP_PORT)
                        .addNewPort()
                        .withName("http")
                        .withContainerPort(ServingNames.HTTP_PORT)
                        .endPort()
                        .withNewReadinessProbe()
                        .withNewHttpGet()
                        .withPath("/readyz")
                        .withNewPort("http")
                        .endHttpGet()
                        .withPeriodSeconds(5)
                        .withFailureThreshold(2)
                        .endReadinessProbe()
                        .withNewLivenessProbe()
                        .withNewHttpGet()
                        .withPath("/healthz")
                        .withNewPort("http")
                        .endHttpGet()
                        .withInitialDelaySeconds(20)
                        .withPeriodSeconds(20)
                        .endLivenessProbe()
                        .withNewResources()
                        .withRequests(amounts)
                        .withLimits(amounts)
                        .endResources()
                        .withSecurityContext(PodSecurity.container())
                        .addNewVolumeMount()
                        .withName("models")
                        .withMountPath(ServingNames.MODELS_MOUNT)
                        .withReadOnly(true)
                        .endVolumeMount()
                        .addNewVolumeMount()
                        .withName("tmp")
                        .withMountPath("/tmp")
                        .endVolumeMount()
                        .endContainer()
                        .addNewVolume()
                        .withName("models")
                        .withNewPersistentVolumeClaim(claim, true)
                        .endVolume()
                        .addNewVolume()
                        .withName("tmp")
                        .withNewEmptyDir()
                        .endEmptyDir()
                        .endVolume()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build();
        if (serving.apiKeySecret() != null) {
            mountApiKeys(deployment, serving.apiKeySecret());
        }
        return deployment;
    }

    /** The Secret's key {@code api-keys} where the server looks for keys. */
    private static void mountApiKeys(Deployment deployment, String secret) {
        var pod = deployment.getSpec().getTemplate().getSpec();
        pod.getVolumes()
                .add(
                        new VolumeBuilder()
                                .withName("api-keys")
                                .withNewSecret()
                                .withSecretName(secret)
                                .addNewItem()
                                .withKey(API_KEYS_KEY)
                                .withPath(API_KEYS_KEY)
                                .endItem()
                                .withDefaultMode(0440)
                                .endSecret()
                                .build());
        pod.getContainers()
                .get(0)
                .getVolumeMounts()
                .add(
                        new VolumeMountBuilder()
                                .withName("api-keys")
                                .withMountPath(API_KEYS_DIR)
                                .withReadOnly(true)
                                .build());
    }
}
