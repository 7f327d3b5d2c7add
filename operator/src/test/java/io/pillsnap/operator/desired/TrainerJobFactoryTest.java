package io.pillsnap.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.ResourcesSpec;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.observe.ObservedRun;
import io.pillsnap.operator.plan.PhasePlanner;
import io.pillsnap.operator.plan.PlanSettings;
import io.pillsnap.operator.plan.StagePlan;
import io.pillsnap.operator.status.StageStatusAggregator;
import io.pillsnap.operator.testing.Snapshots;
import io.pillsnap.operator.testing.TestStages;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TrainerJobFactoryTest {

    private static final OperatorConfig CONFIG = OperatorConfig.forTests();

    @Test
    void trainerReaderAndInferencePodsChownTheArtifactsVolumeOnlyWhenItsRootDoesNot() {
        PillsnapStage stage =
                started(TestStages.stage("stage2", 2).serving("pills", 600).buildStored(), "prod");
        stage.setStatus(
                stage.getStatus().toBuilder()
                        .run(stage.getStatus().run().toBuilder().resultReads(1).build())
                        .build());

        List<PodSpec> pods =
                List.of(
                        TrainerJobFactory.create(stage, CONFIG).getSpec().getTemplate().getSpec(),
                        ResultReaderJobFactory.create(stage, CONFIG)
                                .getSpec()
                                .getTemplate()
                                .getSpec(),
                        InferenceDeploymentFactory.create(
                                        stage, ServingNames.version(stage), CONFIG, 1)
                                .getSpec()
                                .getTemplate()
                                .getSpec());

        // a recursive chown of a growing volume at every start would delay every pod
        assertThat(pods)
                .allSatisfy(
                        pod -> {
                            assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
                            assertThat(pod.getSecurityContext().getFsGroupChangePolicy())
                                    .isEqualTo("OnRootMismatch");
                        });
    }

    @Test
    void stage4JobCarriesGpusPlacementVolumesFailurePolicyAndDeadline() throws IOException {
        PillsnapStage stage = started(load("stage4.yaml"), "prod");

        Job job = TrainerJobFactory.create(stage, CONFIG);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container trainer = pod.getContainers().get(0);

        assertThat(job.getMetadata().getName())
                .isEqualTo("stage4-" + stage.getStatus().run().id() + "-a1");
        assertThat(job.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(trainer.getName()).isEqualTo("trainer");
        assertThat(trainer.getImage()).isEqualTo(CONFIG.trainerImage());

        assertThat(trainer.getResources().getLimits())
                .containsEntry("nvidia.com/gpu", new Quantity("1"))
                .containsEntry("cpu", new Quantity("16"))
                .containsEntry("memory", new Quantity("120Gi"));
        assertThat(trainer.getResources().getRequests())
                .containsEntry("nvidia.com/gpu", new Quantity("1"));

        assertThat(pod.getTolerations())
                .containsExactly(
                        new TolerationBuilder()
                                .withKey("nvidia.com/gpu")
                                .withOperator("Exists")
                                .withEffect("NoSchedule")
                                .build());
        assertThat(pod.getNodeSelector())
                .containsExactly(Map.entry("pillsnap.io/pool", "gpu-training"));
        assertThat(pod.getPriorityClassName()).isEqualTo("pillsnap-training");

        Volume data = volume(pod, "data");
        assertThat(data.getPersistentVolumeClaim().getClaimName()).isEqualTo("pillsnap-data");
        assertThat(data.getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(mount(trainer, "data").getReadOnly()).isTrue();
        assertThat(mount(trainer, "data").getMountPath()).isEqualTo("/data");
        Volume artifacts = volume(pod, "artifacts");
        assertThat(artifacts.getPersistentVolumeClaim().getClaimName())
                .isEqualTo("pillsnap-artifacts");
        assertThat(artifacts.getPersistentVolumeClaim().getReadOnly()).isFalse();
        assertThat(mount(trainer, "artifacts").getReadOnly()).isFalse();
        assertThat(volume(pod, "stage").getConfigMap().getName())
                .isEqualTo("stage4-" + stage.getStatus().run().id() + "-trainer");
        assertThat(volume(pod, "dshm").getEmptyDir().getMedium()).isEqualTo("Memory");
        assertThat(volume(pod, "dshm").getEmptyDir().getSizeLimit())
                .isEqualTo(new Quantity("16Gi"));

        List<PodFailurePolicyRule> rules = job.getSpec().getPodFailurePolicy().getRules();
        assertThat(rules).hasSize(2);
        assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
        assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo("trainer");
        assertThat(rules.get(0).getOnExitCodes().getOperator()).isEqualTo("In");
        assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(2, 3);
        assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
        assertThat(rules.get(1).getOnPodConditions())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getType()).isEqualTo("DisruptionTarget");
                            assertThat(c.getStatus()).isEqualTo("True");
                        });

        assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(432000L);
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    }

    @Test
    void trainerRunsAsNonRootWithAReadOnlyRootFilesystem() throws IOException {
        PodSpec pod =
                TrainerJobFactory.create(started(load("stage1.yaml"), "ns"), CONFIG)
                        .getSpec()
                        .getTemplate()
                        .getSpec();
        Container trainer = pod.getContainers().get(0);

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                .isEqualTo("RuntimeDefault");
        assertThat(trainer.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(trainer.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(trainer.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(mount(trainer, "tmp").getMountPath()).isEqualTo("/tmp");
        assertThat(trainer.getTerminationMessagePolicy()).isEqualTo("File");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void libtorchIsFoundWhereTheImagePutIt() throws IOException {
        Container trainer =
                TrainerJobFactory.create(started(load("stage1.yaml"), "ns"), CONFIG)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);

        // the trainer images unpack libtorch into their DJL_CACHE_DIR (/opt/djl) while building
        // and run offline: a cache folder set here would be empty, and the trainer could not start
        assertThat(trainer.getEnv())
                .extracting(EnvVar::getName)
                .doesNotContain(
                        "DJL_CACHE_DIR",
                        "ENGINE_CACHE_DIR",
                        "DJL_OFFLINE",
                        "PYTORCH_LIBRARY_PATH",
                        "PYTORCH_VERSION",
                        "PYTORCH_FLAVOR")
                .contains("HOME");
    }

    @Test
    void argumentsNameTheStageDataOutputAndRun() throws IOException {
        PillsnapStage stage = started(load("stage1.yaml"), "ns");
        String runId = stage.getStatus().run().id();

        assertThat(TrainerJobFactory.args(stage))
                .containsExactly(
                        "train",
                        "--stage=/etc/pillsnap/stage.yaml",
                        "--data=/data/pillsnap_dataset/data",
                        "--output=/artifacts/ns/stage1/" + runId,
                        "--run-id=" + runId,
                        "--progress-port=8090",
                        "--resume-from=/artifacts/ns/stage1/" + runId + "/checkpoints/last");
    }

    @Test
    void jobIsOwnedByItsStageObjectAndNamedByItsRun() throws IOException {
        PillsnapStage stage = started(load("stage1.yaml"), "ns");
        String runId = stage.getStatus().run().id();

        var job = TrainerJobFactory.create(stage, CONFIG);

        assertThat(job.getMetadata().getName()).isEqualTo("stage1-" + runId + "-a1");
        assertThat(job.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        owner -> {
                            assertThat(owner.getUid()).isEqualTo(stage.getMetadata().getUid());
                            assertThat(owner.getController()).isTrue();
                        });
    }

    @Test
    void defaultTolerationMatchesTheGpuResourceName() {
        ResourcesSpec amd = ResourcesSpec.builder().gpus(2).gpuResourceName("amd.com/gpu").build();

        assertThat(TrainerJobFactory.tolerations(amd))
                .extracting(Toleration::getKey)
                .containsExactly("amd.com/gpu");
        assertThat(TrainerJobFactory.resources(amd).getLimits())
                .containsEntry("amd.com/gpu", new Quantity("2"));
    }

    @Test
    void aGpuJobMultipliesMatricesInTf32UnlessTheStageIsDeterministic() {
        assertThat(env(stage(1, false))).containsEntry(TrainerJobFactory.TF32_OVERRIDE, "1");
        assertThat(env(stage(1, true))).doesNotContainKey(TrainerJobFactory.TF32_OVERRIDE);
    }

    private static PillsnapStage stage(int gpus, boolean deterministic) {
        return syntheticStage(
                "resources: {gpus: %d}\n  training: {deterministic: %s}"
                        .formatted(gpus, deterministic));
    }

    /** A started synthetic stage 1 in namespace ns, with {@code moreSpec} lines under spec. */
    private static PillsnapStage syntheticStage(String moreSpec) {
        PillsnapStage stage =
                Serialization.unmarshal(
                        """
                        apiVersion: pillsnap.io/v1alpha1
                        kind: PillsnapStage
                        metadata: {name: demo, namespace: ns, uid: 11111111-2222-3333-4444-555555555555, generation: 1}
                        spec:
                          stage: 1
                          dataset: {format: synthetic, images: 500, classes: 10}
                          successCriteria: [{metric: top1, threshold: 0.4}]
                          %s
                        """
                                .formatted(moreSpec),
                        PillsnapStage.class);
        return started(stage, "ns");
    }

    @Test
    void aCpuJobLeavesTf32Alone() {
        assertThat(env(stage(0, false))).doesNotContainKey(TrainerJobFactory.TF32_OVERRIDE);
    }

    private static Map<String, String> env(PillsnapStage stage) {
        Map<String, String> env = new LinkedHashMap<>();
        TrainerJobFactory.create(stage, CONFIG)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .forEach(variable -> env.put(variable.getName(), variable.getValue()));
        return env;
    }

    @Test
    void cpuOnlyTrainerAsksForNoGpuAndToleratesNothing() {
        ResourcesSpec cpu = ResourcesSpec.builder().gpus(0).cpu("2").memory("4Gi").build();

        assertThat(TrainerJobFactory.tolerations(cpu)).isEmpty();
        assertThat(TrainerJobFactory.resources(cpu).getLimits()).containsOnlyKeys("cpu", "memory");
    }

    @Test
    void kueueQueueBecomesTheQueueLabel() {
        PillsnapStage stage =
                started(
                        TestStages.stage("stage3", 3).queueName("team-a").buildStored(),
                        "pillsnap");

        Job job = TrainerJobFactory.create(stage, CONFIG);

        assertThat(job.getMetadata().getLabels())
                .containsEntry("kueue.x-k8s.io/queue-name", "team-a");
    }

    @Test
    void syntheticDatasetIsGeneratedIntoAWritableEmptyDir() {
        PillsnapStage stage = syntheticStage("");
        PodSpec pod = TrainerJobFactory.create(stage, CONFIG).getSpec().getTemplate().getSpec();

        assertThat(volume(pod, "data").getEmptyDir()).isNotNull();
        assertThat(mount(pod.getContainers().get(0), "data").getReadOnly()).isFalse();
    }

    @Test
    void longStageNamesStillMakeValidJobNames() {
        String name = "a".repeat(63);

        String jobName = RunNames.jobName(name, "r12-0a1b2c3d", 3);

        assertThat(jobName).hasSizeLessThanOrEqualTo(63).endsWith("-r12-0a1b2c3d-a3");
        assertThat(RunNames.jobName(name, "r12-0a1b2c3d", 3)).isEqualTo(jobName);
        assertThat(RunNames.jobName("b".repeat(63), "r12-0a1b2c3d", 3)).isNotEqualTo(jobName);
    }

    private static PillsnapStage load(String file) throws IOException {
        PillsnapStage stage =
                Serialization.unmarshal(
                        Files.readString(RepoFiles.config(file)), PillsnapStage.class);
        stage.getMetadata().setUid(UUID.randomUUID().toString());
        stage.getMetadata().setGeneration(1L);
        return stage;
    }

    /** The stage as the planner leaves it when its first run starts. */
    private static PillsnapStage started(PillsnapStage stage, String namespace) {
        stage.getMetadata().setNamespace(namespace);
        var predecessors =
                stage.getSpec().predecessors().stream()
                        .map(p -> Snapshots.promoted(p, namespace + "/" + p + "/r1-0000"))
                        .toArray(io.pillsnap.operator.observe.PredecessorState[]::new);
        StagePlan plan =
                PhasePlanner.plan(
                        Snapshots.of(stage, ObservedRun.none(), predecessors),
                        PlanSettings.of(CONFIG));
        stage.setStatus(
                StageStatusAggregator.aggregate(
                        PillsnapStageStatus.empty(), plan, 1, Snapshots.NOW));
        return stage;
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static VolumeMount mount(Container container, String name) {
        return container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
