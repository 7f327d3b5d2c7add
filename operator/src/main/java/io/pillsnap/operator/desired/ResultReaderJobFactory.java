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
 * file is read. It tells a file that is not there (exit code {@link #FILE_ABSENT_EXIT_CODE}, the
 * run's result is lost) from its own trouble (any other failure: read again later).
 */
public final class ResultReaderJobFactory {

    /** Long enough to pull a small image and read one file; the Job fails after it. */
    static final long DEADLINE_SECONDS = 600;

    /** The reader ran, and the result file is not on the artifacts claim. */
    public static final int FILE_ABSENT_EXIT_CODE = 2;

    /** $0 is the file; only its absence exits with FILE_ABSENT_EXIT_CODE. */
    static final String SCRIPT =
            "if [ ! -e \"$0\" ]; then echo \"no such file: $0\" > /dev/termination-log; exit "
                    + FILE_ABSENT_EXIT_CODE
                    + "; fi; cat -- \"$0\" > /dev/termination-log";

    private ResultReaderJobFactory() {}

    /** Read number {@code run.resultReads} of the stage's current run. */
    public static Job create(PillsnapStage stage, OperatorConfig config) {
        String name = stage.getMetadata().getName();
        RunStatus run = stage.getStatus().run();
        int read = run.reads();
        Map<String, String> labels = TrainerLabels.forResultReader(name, run.number(), read);
        String file = RunNames.mounted(RunNames.resultFile(run.artifactsPath()));
        Map<String, Quantity> limits =
                Map.of("cpu", new Quantity("100m"), "memory", new Quantity("64Mi"));
        return new JobBuilder()
                .withNewMetadata()
                .withName(RunNames.resultReaderName(name, run.id(), read))
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
                .addToAnnotations(TrainerLabels.ANNOTATION_STAGE, name)
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
                .withCommand("sh", "-c", SCRIPT)
                .withArgs(file)
                .withTerminationMessagePath("/dev/termination-log")
                // any other failure leaves its error (cat's, the shell's) as the message
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
