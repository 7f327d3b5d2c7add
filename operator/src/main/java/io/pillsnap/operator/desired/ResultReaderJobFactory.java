package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.operator.config.OperatorConfig;
import java.util.Map;

/**
 * A short Job that prints a run's result.json as its termination message, for when the trainer's
 * own pod (which carried the result) is gone before the operator read it. It runs the small
 * inference image with the artifacts claim mounted read-only: nothing is written, nothing but the
 * file is read.
 */
public final class ResultReaderJobFactory {

    /** Long enough to pull a small image and read one file; the Job fails after it. */
    static final long DEADLINE_SECONDS = 600;

    private ResultReaderJobFactory() {}

    public static Job create(PillsnapStage stage, OperatorConfig config) {
        String name = stage.getMetadata().getName();
        RunStatus run = stage.getStatus().run();
        Map<String, String> labels = TrainerLabels.forResultReader(name, run.number());
        String file = RunNames.mounted(RunNames.resultFile(run.artifactsPath()));
        Map<String, Quantity> limits =
                Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"));
        return new JobBuilder()
                .withNewMetadata()
                .withName(RunNames.resultReaderName(name, run.id()))
                .withNamespace(stage.getMetadata().getNamespace())
                .withLabels(labels)
                .addToAnnotations(TrainerLabels.ANNOTATION_RUN_ID, run.id())
                .withOwnerReferences(Owners.controller(stage))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(2)
                .withActiveDeadlineSeconds(DEADLINE_SECONDS)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withImagePullSecrets(
                        config.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
                .withSecurityContext(PodSecurity.pod())
                .addNewContainer()
                .withName(RunNames.READER_CONTAINER)
                .withImage(config.inferenceImage())
                .withImagePullPolicy("IfNotPresent")
                .withCommand("sh", "-c", "cat -- \"$0\" > /dev/termination-log")
                .withArgs(file)
                .withTerminationMessagePath("/dev/termination-log")
                // a missing file fails the Job with cat's error as the message
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("16Mi")))
                .withLimits(limits)
                .endResources()
                .withSecurityContext(PodSecurity.container())
                .addNewVolumeMount()
                .withName("artifacts")
                .withMountPath(RunNames.ARTIFACTS_MOUNT)
                .withReadOnly(true)
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("artifacts")
                .withNewPersistentVolumeClaim(
                        TrainerJobFactory.artifactsClaim(stage.getSpec(), config), true)
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
