package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Serving of promoted models against Fabric8's CRUD mock API server: the fake kubelet plays the
 * Deployment controller and reports Ready pods (or never does).
 */
class ServingRolloutIT {

    private static final String TRACK = "pills";

    private MockCluster cluster;
    private FakeKubelet kubelet;

    @BeforeEach
    void startOperator() {
        cluster = MockCluster.create().startOperator();
        kubelet = cluster.kubelet();
    }

    @AfterEach
    void stopOperator() {
        cluster.close();
    }

    @Test
    void promotionCreatesTheDeploymentAndTheTrackServiceOnceReady() {
        cluster.apply(TestStages.stage("stage1", 1).serving(TRACK, 600).build());
        String version = promote("stage1");

        String name = ServingNames.deploymentName(version);
        Deployment deployment = kubelet.awaitDeployment(name);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        var pod = deployment.getSpec().getTemplate().getSpec();
        var container = pod.getContainers().get(0);
        assertThat(container.getArgs())
                .contains(
                        "--model-dir=/models/"
                                + cluster.get("stage1").getStatus().run().artifactsPath());
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getPersistentVolumeClaim() != null)
                .singleElement()
                .satisfies(v -> assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue());
        PillsnapStage rolling =
                cluster.awaitStage("stage1", servingState(ServingStatus.ROLLING_OUT));
        assertThat(rolling.getStatus().serving().message()).contains("waiting for 1 Ready");
        assertThat(trackService()).isNull();

        kubelet.deploymentReady(name);

        PillsnapStage serving = cluster.awaitStage("stage1", servingState(ServingStatus.SERVING));
        assertThat(serving.getStatus().serving().modelVersion()).isEqualTo(version);
        assertThat(serving.getStatus().serving().deployment()).isEqualTo(name);
        assertThat(serving.getStatus().serving().readyReplicas()).isEqualTo(1);
        assertThat(serving.getStatus().serving().service()).isEqualTo(TRACK);
        assertThat(condition(serving, ConditionType.Serving).getStatus()).isEqualTo("True");
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(version));
    }

    @Test
    void secondStageOnTheTrackTakesTrafficOnlyOnceReadyThenTheOldScalesToZero() {
        String first = serveStage1();
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .after("stage1")
                        .serving(TRACK, 600)
                        .scaleDownDelay(2)
                        .build());
        String second = promote("stage2");

        String secondName = ServingNames.deploymentName(second);
        kubelet.awaitDeployment(secondName);
        cluster.awaitStage("stage2", servingState(ServingStatus.ROLLING_OUT));
        // not Ready yet: stage1 keeps the traffic and its replicas
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(
                        () ->
                                ServingNames.versionLabel(first)
                                                .equals(selectedVersion(trackService()))
                                        && replicas(first) == 1);
        assertThat(cluster.get("stage2").getStatus().serving().message())
                .contains(first + " serves meanwhile");

        kubelet.deploymentReady(secondName);

        PillsnapStage stage2 = cluster.awaitStage("stage2", servingState(ServingStatus.SERVING));
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(second));
        assertThat(stage2.getStatus().serving().previousModelVersion()).isEqualTo(first);
        PillsnapStage stage1 = cluster.awaitStage("stage1", servingState(ServingStatus.SUPERSEDED));
        assertThat(stage1.getStatus().serving().message()).contains("superseded by " + second);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(first) == 0);
        assertThat(condition(stage1, ConditionType.Serving).getStatus()).isEqualTo("False");
    }

    @Test
    void rolloutThatNeverBecomesReadyKeepsTheOldModelAndSaysWhy() {
        String first = serveStage1();
        // observing reads the informers' caches only: it lists nothing itself
        java.util.List<String> lists = new java.util.concurrent.CopyOnWriteArrayList<>();
        cluster.api()
                .guard(
                        request -> {
                            if (request.fromOperator() && "list".equals(request.verb())) {
                                lists.add(request.path());
                            }
                            return null;
                        });
        cluster.apply(TestStages.stage("stage2", 2).after("stage1").serving(TRACK, 10).build());
        String second = promote("stage2");
        kubelet.awaitDeployment(ServingNames.deploymentName(second));
        kubelet.inferencePodWaiting(
                ServingNames.deploymentName(second),
                "ImagePullBackOff",
                "Back-off pulling image \"ghcr.io/pillsnap/pillsnap-inference:test\"");

        PillsnapStage stage2 =
                cluster.awaitStage(
                        "stage2",
                        servingState(ServingStatus.ROLLOUT_FAILED),
                        Duration.ofSeconds(30));

        assertThat(stage2.getStatus().phase()).isEqualTo(StagePhase.Promoted);
        assertThat(stage2.getStatus().serving().message())
                .contains("were not Ready within 10 s")
                .contains("ImagePullBackOff: Back-off pulling image")
                .contains(first + " keeps serving");
        Condition serving = condition(stage2, ConditionType.Serving);
        assertThat(serving.getStatus()).isEqualTo("False");
        assertThat(serving.getReason()).isEqualTo(ServingStatus.ROLLOUT_FAILED);
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(first));
        assertThat(replicas(first)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(second) == 0);
        assertThat(cluster.get("stage1").getStatus().serving().state())
                .isEqualTo(ServingStatus.SERVING);
        assertThat(lists).as("lists the operator made while the rollout waited").isEmpty();
    }

    @Test
    void disablingServingOfTheNewerStageRollsBackToThePreviousModel() {
        String first = serveStage1();
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .after("stage1")
                        .serving(TRACK, 600)
                        .scaleDownDelay(2)
                        .build());
        String second = promote("stage2");
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(second))
                        .getMetadata()
                        .getName());
        cluster.awaitStage("stage1", servingState(ServingStatus.SUPERSEDED));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(first) == 0);

        // the documented rollback command, with the real kubectl when it is installed
        Kubectl.serveDiscovery(cluster.server());
        String rollback = "{\"spec\":{\"serving\":{\"enabled\":false}}}";
        if (Kubectl.installed()) {
            Kubectl.run(
                    cluster.client(), "patch", "ps", "stage2", "--type", "merge", "-p", rollback);
        } else {
            System.out.println("kubectl is not installed: sending its merge patch with Fabric8");
            cluster.client()
                    .resources(PillsnapStage.class)
                    .inNamespace(MockCluster.NAMESPACE)
                    .withName("stage2")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), rollback);
        }

        // stage1's model comes back up while stage2's still serves
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(first) == 1);
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(second));
        kubelet.deploymentReady(ServingNames.deploymentName(first));

        cluster.awaitStage("stage1", servingState(ServingStatus.SERVING));
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(first));
        PillsnapStage stage2 = cluster.awaitStage("stage2", servingState(ServingStatus.DISABLED));
        assertThat(stage2.getStatus().serving().message()).contains("spec.serving.enabled");
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(second) == 0);
    }

    @Test
    void longNamedStageRollsEachRunOutToADeploymentOfItsOwn() {
        String name = "pill-identification-stage-four-production-serving-canary";
        cluster.apply(TestStages.stage(name, 1).serving(TRACK, 600).scaleDownDelay(1).build());
        String first = promote(name);
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(first))
                        .getMetadata()
                        .getName());
        cluster.awaitStage(name, servingState(ServingStatus.SERVING));

        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName(name)
                .edit(
                        s -> {
                            s.setSpec(
                                    TestStages.stage(name, 1)
                                            .serving(TRACK, 600)
                                            .scaleDownDelay(1)
                                            .rerunNonce("2")
                                            .build()
                                            .getSpec());
                            return s;
                        });
        kubelet.trainAndSucceed(kubelet.awaitJob(name, 2, 1), Map.of(TOP1, 0.9));
        PillsnapStage rerun =
                cluster.awaitStage(
                        name,
                        s ->
                                s.getStatus().phase() == StagePhase.Promoted
                                        && s.getStatus().run().number() == 2);
        String second = name + "/" + rerun.getStatus().run().id();

        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                cluster
                                        .client()
                                        .apps()
                                        .deployments()
                                        .inNamespace(MockCluster.NAMESPACE)
                                        .list()
                                        .getItems()
                                        .stream()
                                        .map(d -> d.getMetadata().getAnnotations())
                                        .map(a -> a.get(ServingNames.ANNOTATION_MODEL_VERSION))
                                        .toList(),
                        versions -> versions.containsAll(java.util.List.of(first, second)));
        kubelet.deploymentReady(ServingNames.deploymentName(second));
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> selectedVersion(trackService()),
                        ServingNames.versionLabel(second)::equals);
    }

    /** stage1 promoted and serving the track. */
    private String serveStage1() {
        cluster.apply(TestStages.stage("stage1", 1).serving(TRACK, 600).scaleDownDelay(2).build());
        String version = promote("stage1");
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(version))
                        .getMetadata()
                        .getName());
        cluster.awaitStage("stage1", servingState(ServingStatus.SERVING));
        return version;
    }

    /** Trains the stage's first run to a passing result; returns its model version. */
    private String promote(String stage) {
        Job job = kubelet.awaitJob(stage, 1, 1);
        kubelet.trainAndSucceed(job, Map.of(TOP1, 0.9));
        PillsnapStage promoted =
                cluster.awaitStage(stage, s -> s.getStatus().phase() == StagePhase.Promoted);
        return stage + "/" + promoted.getStatus().run().id();
    }

    private Service trackService() {
        return cluster.client().services().inNamespace(MockCluster.NAMESPACE).withName(TRACK).get();
    }

    private int replicas(String version) {
        Deployment deployment = kubelet.deployment(ServingNames.deploymentName(version));
        return deployment == null ? -1 : deployment.getSpec().getReplicas();
    }

    private static String selectedVersion(Service service) {
        return service == null
                ? null
                : service.getSpec().getSelector().get(ApiConstants.LABEL_MODEL_VERSION);
    }

    private static Predicate<PillsnapStage> servingState(String state) {
        return stage ->
                stage.getStatus().serving() != null
                        && state.equals(stage.getStatus().serving().state());
    }

    private static Condition condition(PillsnapStage stage, ConditionType type) {
        return stage.getStatus()
                .condition(type)
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }
}
