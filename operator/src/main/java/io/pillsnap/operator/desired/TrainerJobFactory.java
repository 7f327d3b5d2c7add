package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicy;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.trainer.TrainerExitCode;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.ArtifactsSpec;
import io.pillsnap.api.v1alpha1.spec.DatasetFormat;
import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import io.pillsnap.api.v1alpha1.spec.ModelSpec;
import io.pillsnap.api.v1alpha1.spec.ResourcesSpec;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.operator.config.OperatorConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainer Job of one attempt of a run. Retries are new Jobs made by the operator (the retry
 * budget lives in the stage's status), so the Job itself never retries: backoffLimit 0, with a pod
 * failure policy that lets preempted or evicted pods be replaced without failing the Job and fails
 * it at once on the trainer's permanent exit codes.
 */
public final class TrainerJobFactory {

    public static final int PROGRESS_PORT = 8090;
    public static final String DISRUPTION_TARGET = "DisruptionTarget";

    private TrainerJobFactory() {}

    /** The Job for the stage's current run and attempt, as recorded in its (planned) status. */
    public static Job create(PillsnapStage stage, OperatorConfig config) {
        String name = stage.getMetadata().getName();
        RunStatus run = stage.getStatus().run();
        PillsnapStageSpec spec = stage.getSpec();
        Map<String, String> labels = TrainerLabels.forAttempt(name, run.number(), run.attempt());
        if (spec.resources().queueName() != null) {
            labels.put(ApiConstants.LABEL_KUEUE_QUEUE, spec.resources().queueName());
        }
        return new JobBuilder()
                .withNewMetadata()
                .withName(RunNames.jobName(name, run.id(), run.attempt()))
                .withNamespace(stage.getMetadata().getNamespace())
                .withLabels(labels)
                .addToAnnotations(TrainerLabels.ANNOTATION_RUN_ID, run.id())
                .addToAnnotations(
                        TrainerLabels.ANNOTATION_SPEC_HASH,
                        run.specHash() != null ? run.specHash() : specHash(spec))
                .withOwnerReferences(Owners.controller(stage))
                .endMetadata()
                .withNewSpec()
                // Kueue admits a queued Job by un-suspending it; the operator never does
                .withSuspend(spec.resources().queueName() != null ? Boolean.TRUE : null)
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(spec.training().activeDeadlineSeconds())
                .withPodFailurePolicy(podFailurePolicy())
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .addToAnnotations(TrainerLabels.ANNOTATION_STAGE, name)
                .endMetadata()
                .withSpec(podSpec(stage, config))
                .endTemplate()
                .endSpec()
                .build();
    }

    /** The spec fields a trainer Job is made from. */
    private record TrainerInputs(
            Integer stage,
            String initFrom,
            DatasetSpec dataset,
            List<Task> tasks,
            ModelSpec model,
            TrainingSpec training,
            ResourcesSpec resources,
            ArtifactsSpec artifacts) {}

    /**
     * A short hash of the spec fields a trainer Job is made from: the stage's status records it
     * before the Job is created, and the Job carries it, so either says what the Job came from.
     */
    public static String specHash(PillsnapStageSpec spec) {
        TrainerInputs inputs =
                new TrainerInputs(
                        spec.stage(),
                        spec.initFrom(),
                        spec.dataset(),
                        spec.tasks(),
                        spec.model(),
                        spec.training(),
                        spec.resources(),
                        spec.artifacts());
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(Serialization.asJson(inputs).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static PodFailurePolicy podFailurePolicy() {
        return new PodFailurePolicyBuilder()
                .addNewRule()
                .withAction("FailJob")
                .withNewOnExitCodes()
                .withContainerName(RunNames.CONTAINER)
                .withOperator("In")
                .withValues(TrainerExitCode.permanentCodes())
                .endOnExitCodes()
                .endRule()
                .addNewRule()
                .withAction("Ignore")
                .addNewOnPodCondition()
                .withType(DISRUPTION_TARGET)
                .withStatus("True")
                .endOnPodCondition()
                .endRule()
                .build();
    }

    private static PodSpec podSpec(PillsnapStage stage, OperatorConfig config) {
        ResourcesSpec resources = stage.getSpec().resources();
        return new PodSpecBuilder()
                .withRestartPolicy("Never")
                .withServiceAccountName(config.trainerServiceAccount())
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withImagePullSecrets(
                        config.imagePullSecrets().stream().map(LocalObjectReference::new).toList())
                .withPriorityClassName(resources.priorityClassName())
                .withNodeSelector(
                        resources.nodeSelector().isEmpty() ? null : resources.nodeSelector())
                .withTolerations(tolerations(resources))
                .withSecurityContext(PodSecurity.pod())
                .withContainers(container(stage, config))
                .withVolumes(volumes(stage, config))
                .build();
    }

    private static Container container(PillsnapStage stage, OperatorConfig config) {
        return new ContainerBuilder()
                .withName(RunNames.CONTAINER)
                .withImage(config.trainerImage())
                .withImagePullPolicy("IfNotPresent")
                .withArgs(args(stage))
                .withEnv(env(stage))
                .addNewPort()
                .withName("progress")
                .withContainerPort(PROGRESS_PORT)
                .endPort()
                .withResources(resources(stage.getSpec().resources()))
                .withVolumeMounts(volumeMounts(generatesOwnData(stage.getSpec())))
                .withTerminationMessagePath("/dev/termination-log")
                .withTerminationMessagePolicy("File")
                .withSecurityContext(PodSecurity.container())
                .build();
    }

    static List<String> args(PillsnapStage stage) {
        RunStatus run = stage.getStatus().run();
        PillsnapStageSpec spec = stage.getSpec();
        List<String> args = new ArrayList<>();
        args.add("train");
        args.add("--stage=" + RunNames.CONFIG_MOUNT + "/" + RunNames.STAGE_FILE);
        args.add("--data=" + dataDirectory(spec));
        args.add("--output=" + RunNames.mounted(run.artifactsPath()));
        args.add("--run-id=" + run.id());
        args.add("--progress-port=" + PROGRESS_PORT);
        // every start of the run, first attempt and replacement pods included, continues from
        // the run's last checkpoint when there is one (the trainer starts fresh when there is not)
        args.add("--resume-from=" + RunNames.mounted(RunNames.lastCheckpoint(run.artifactsPath())));
        if (run.initFrom() != null) {
            args.add("--init-from=" + RunNames.mounted(run.initFrom()));
        }
        return args;
    }

    private static String dataDirectory(PillsnapStageSpec spec) {
        String path = spec.dataset().path().replaceAll("^/+", "");
        return path.isEmpty() ? RunNames.DATA_MOUNT : RunNames.DATA_MOUNT + "/" + path;
    }

    /**
     * libtorch reads it when it loads: matrix multiplies in TF32 on Ampere and newer GPUs, as the
     * original turned on; DJL has no call for it.
     */
    static final String TF32_OVERRIDE = "TORCH_ALLOW_TF32_CUBLAS_OVERRIDE";

    private static List<EnvVar> env(PillsnapStage stage) {
        List<EnvVar> env = new ArrayList<>(fixedEnv(stage));
        if (stage.getSpec().resources().gpus() > 0 && !stage.getSpec().training().deterministic()) {
            env.add(new EnvVar(TF32_OVERRIDE, "1", null));
        }
        return env;
    }

    private static List<EnvVar> fixedEnv(PillsnapStage stage) {
        return List.of(
                new EnvVarBuilder()
                        .withName("POD_NAME")
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .build(),
                new EnvVar("PILLSNAP_STAGE", stage.getMetadata().getName(), null),
                // the root filesystem is read-only; libtorch is not looked for here: the image
                // unpacked it into its own DJL_CACHE_DIR while it was built, and runs offline
                new EnvVar("HOME", "/tmp", null));
    }

    static ResourceRequirements resources(ResourcesSpec resources) {
        Map<String, Quantity> amounts = new LinkedHashMap<>();
        amounts.put("cpu", new Quantity(resources.cpu()));
        amounts.put("memory", new Quantity(resources.memory()));
        if (resources.gpus() > 0) {
            amounts.put(resources.gpuResourceName(), new Quantity(resources.gpus().toString()));
        }
        return new ResourceRequirementsBuilder()
                .withRequests(new LinkedHashMap<>(amounts))
                .withLimits(new LinkedHashMap<>(amounts))
                .build();
    }

    static List<Toleration> tolerations(ResourcesSpec resources) {
        if (resources.tolerations() != null) {
            return resources.tolerations();
        }
        if (resources.gpus() == 0) {
            return List.of();
        }
        // GPU node pools are commonly tainted with the GPU's resource name
        return List.of(
                new TolerationBuilder()
                        .withKey(resources.gpuResourceName())
                        .withOperator("Exists")
                        .withEffect("NoSchedule")
                        .build());
    }

    /** The claim runs write to: the stage's, or the operator's default. */
    static String artifactsClaim(PillsnapStageSpec spec, OperatorConfig config) {
        return spec.artifacts().claimName() != null
                ? spec.artifacts().claimName()
                : config.artifactsClaim();
    }

    /** A synthetic set without a claim is generated by the trainer into an emptyDir. */
    static boolean generatesOwnData(PillsnapStageSpec spec) {
        return spec.dataset().format() == DatasetFormat.SYNTHETIC
                && spec.dataset().claimName() == null;
    }

    private static List<VolumeMount> volumeMounts(boolean writableData) {
        return List.of(
                mount("data", RunNames.DATA_MOUNT, !writableData),
                mount("artifacts", RunNames.ARTIFACTS_MOUNT, false),
                mount("stage", RunNames.CONFIG_MOUNT, true),
                mount("dshm", "/dev/shm", false),
                mount("tmp", "/tmp", false));
    }

    private static VolumeMount mount(String name, String path, boolean readOnly) {
        return new VolumeMountBuilder()
                .withName(name)
                .withMountPath(path)
                .withReadOnly(readOnly)
                .build();
    }

    private static List<Volume> volumes(PillsnapStage stage, OperatorConfig config) {
        PillsnapStageSpec spec = stage.getSpec();
        RunStatus run = stage.getStatus().run();
        String artifactsClaim = artifactsClaim(spec, config);
        List<Volume> volumes = new ArrayList<>();
        if (generatesOwnData(spec)) {
            volumes.add(
                    new VolumeBuilder().withName("data").withNewEmptyDir().endEmptyDir().build());
        } else {
            volumes.add(
                    new VolumeBuilder()
                            .withName("data")
                            .withNewPersistentVolumeClaim(spec.dataset().claimName(), true)
                            .build());
        }
        volumes.add(
                new VolumeBuilder()
                        .withName("artifacts")
                        .withNewPersistentVolumeClaim(artifactsClaim, false)
                        .build());
        volumes.add(
                new VolumeBuilder()
                        .withName("stage")
                        .withNewConfigMap()
                        .withName(RunNames.configMapName(stage.getMetadata().getName(), run.id()))
                        .endConfigMap()
                        .build());
        volumes.add(
                new VolumeBuilder()
                        .withName("dshm")
                        .withNewEmptyDir()
                        .withMedium("Memory")
                        .withSizeLimit(new Quantity(spec.resources().sharedMemory()))
                        .endEmptyDir()
                        .build());
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        return volumes;
    }
}
