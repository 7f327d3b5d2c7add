package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Serving under ordinary cluster events: failed rollouts retried, traffic cut over without dropping
 * requests, serving stages deleted, crashes between a switch and its status write.
 */
class ServingFaultsIT {

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
    void changedServingSpecRetriesAFailedRollout() {
        serve("stage1", null, 600);
        String second = failRollout();

        patchServing("stage2", "{\"replicas\":2}");

        cluster.awaitStage("stage2", servingState(ServingStatus.ROLLING_OUT));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(second) == 2);
        kubelet.deploymentReady(ServingNames.deploymentName(second));
        cluster.awaitStage("stage2", servingState(ServingStatus.SERVING));
        assertThat(selectedVersion()).isEqualTo(ServingNames.versionLabel(second));
    }

    @Test
    void togglingServingOffAndOnRetriesAFailedRollout() {
        serve("stage1", null, 600);
        String second = failRollout();

        patchServing("stage2", "{\"enabled\":false}");
        cluster.awaitStage("stage2", servingState(ServingStatus.DISABLED));
        patchServing("stage2", "{\"enabled\":true}");

        cluster.awaitStage("stage2", servingState(ServingStatus.ROLLING_OUT));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(second) == 1);
    }

    @Test
    void supersededModelKeepsItsPodsForTheScaleDownDelay() {
        String first = serve("stage1", null, 600);
        String second = serve("stage2", "stage1", 600);

        assertThat(selectedVersion()).isEqualTo(ServingNames.versionLabel(second));
        // endpoints and proxies still send requests to the old pods for a while
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(4))
                .until(() -> replicas(first) == 1);
        PillsnapStage stage1 = cluster.awaitStage("stage1", servingState(ServingStatus.SUPERSEDED));
        assertThat(stage1.getStatus().serving().message()).contains("scaled to 0 at");
    }

    @Test
    void deletingTheServingStageHandsTheTrackBackToThePreviousModel() {
        String first = serve("stage1", null, 600);
        String second = serve("stage2", "stage1", 600);
        await().atMost(Duration.ofSeconds(60)).until(() -> replicas(first) == 0);

        assertThat(cluster.get("stage2").getMetadata().getFinalizers())
                .containsExactly("pillsnapstages.pillsnap.io/finalizer");
        cluster.delete("stage2");
        cluster.collectGarbage();

        // the track keeps its Service and stage2's pods until stage1's pods are Ready again (a
        // bound, not a wait; the rare timeouts here were stage1 reading stage2 from a cache that
        // had not seen the deletion yet: StageObserverTest)
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas(first) == 1);
        cluster.collectGarbage();
        assertThat(trackService()).isNotNull();
        assertThat(selectedVersion()).isEqualTo(ServingNames.versionLabel(second));
        assertThat(replicas(second)).isEqualTo(1);

        kubelet.deploymentReady(ServingNames.deploymentName(first));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ServingNames.versionLabel(first).equals(selectedVersion()));
        cluster.collectGarbage();
        String uid1 = cluster.get("stage1").getMetadata().getUid();
        assertThat(trackService().getMetadata().getOwnerReferences())
                .anySatisfy(owner -> assertThat(owner.getUid()).isEqualTo(uid1));
        cluster.awaitStage("stage1", servingState(ServingStatus.SERVING));
    }

    @Test
    void changingTheTrackMovesTheModelToTheOtherTrack() {
        String first = serve("stage1", null, 600);

        patchServing("stage1", "{\"track\":\"canary\"}");

        PillsnapStage moved =
                cluster.awaitStage(
                        "stage1",
                        s ->
                                "canary".equals(s.getStatus().serving().service())
                                        && ServingStatus.SERVING.equals(
                                                s.getStatus().serving().state()));
        Service canary =
                cluster.client()
                        .services()
                        .inNamespace(MockCluster.NAMESPACE)
                        .withName("canary")
                        .get();
        assertThat(canary.getSpec().getSelector())
                .containsEntry(ApiConstants.LABEL_MODEL_VERSION, ServingNames.versionLabel(first));
        assertThat(moved.getStatus().message()).doesNotContain("reconcile failed");
        assertThat(kubelet.deployment(ServingNames.deploymentName(first)).getMetadata().getLabels())
                .containsEntry(ApiConstants.LABEL_TRACK, "canary");
    }

    @Test
    void previousModelIsRebuiltFromTheClusterAfterACrash() {
        String first = serve("stage1", null, 600);
        serve("stage2", "stage1", 600);
        assertThat(cluster.get("stage2").getStatus().serving().previousModelVersion())
                .isEqualTo(first);

        // the operator crashed after switching the Service, before writing stage2's status
        cluster.stopOperator();
        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName("stage2")
                .editStatus(
                        s -> {
                            ServingStatus serving = s.getStatus().serving();
                            // the status before the switch: rolling out, no previous model
                            ServingStatus lost =
                                    new ServingStatus(
                                            ServingStatus.ROLLING_OUT,
                                            serving.since(),
                                            "waiting for 1 Ready inference pods",
                                            serving.deployment(),
                                            serving.service(),
                                            1,
                                            serving.modelVersion(),
                                            null,
                                            serving.promotedAt(),
                                            serving.specHash());
                            s.setStatus(s.getStatus().toBuilder().serving(lost).build());
                            return s;
                        });
        cluster.startOperator();

        PillsnapStage stage2 =
                cluster.awaitStage(
                        "stage2",
                        s ->
                                s.getStatus().serving() != null
                                        && first.equals(
                                                s.getStatus().serving().previousModelVersion()));
        assertThat(stage2.getStatus().serving().state()).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void serviceOfAnotherOwnerWithTheTracksNameIsNamedAndNotFoughtOver() {
        cluster.client()
                .services()
                .inNamespace(MockCluster.NAMESPACE)
                .resource(
                        new ServiceBuilder()
                                .withNewMetadata()
                                .withName(TRACK)
                                .addToLabels("app", "legacy-pills")
                                .endMetadata()
                                .withNewSpec()
                                .addToSelector("app", "legacy-pills")
                                .addNewPort()
                                .withPort(80)
                                .endPort()
                                .endSpec()
                                .build())
                .create();
        AtomicInteger creates = new AtomicInteger();
        cluster.api()
                .guard(
                        request -> {
                            if (request.fromOperator()
                                    && "create".equals(request.verb())
                                    && "services".equals(request.resource())) {
                                creates.incrementAndGet();
                            }
                            return null;
                        });
        cluster.apply(TestStages.stage("stage1", 1).serving(TRACK, 600).build());
        String version = promote("stage1");
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(version))
                        .getMetadata()
                        .getName());

        PillsnapStage conflicted =
                cluster.awaitStage("stage1", servingReason(ServingStatus.TRACK_CONFLICT));
        assertThat(servingCondition(conflicted).getMessage())
                .contains("Service " + TRACK + " in namespace " + MockCluster.NAMESPACE)
                .contains("not the operator's")
                .contains("spec.serving.track");
        int tried = creates.get();
        await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
        assertThat(creates.get() - tried)
                .as("attempts to create the track's Service in 3 s of a conflict")
                .isLessThanOrEqualTo(1);
        assertThat(trackService().getSpec().getSelector()).containsEntry("app", "legacy-pills");

        // its owner removes it: the track is free
        cluster.client().services().inNamespace(MockCluster.NAMESPACE).withName(TRACK).delete();
        cluster.awaitStage("stage1", servingState(ServingStatus.SERVING), Duration.ofSeconds(30));
        assertThat(selectedVersion()).isEqualTo(ServingNames.versionLabel(version));
    }

    @Test
    void switchChangesOnlyTheOperatorsFieldsOfTheTrackService() {
        serve("stage1", null, 600);
        // a mesh, Argo CD and a load balancer controller label, annotate and own the Service
        cluster.client()
                .services()
                .inNamespace(MockCluster.NAMESPACE)
                .withName(TRACK)
                .edit(
                        service -> {
                            service.getMetadata()
                                    .getLabels()
                                    .put("mesh.example.com/injected", "true");
                            service.getMetadata()
                                    .getAnnotations()
                                    .put("argocd.argoproj.io/tracking-id", "pills:/Service/pills");
                            service.getMetadata()
                                    .getOwnerReferences()
                                    .add(
                                            new OwnerReferenceBuilder()
                                                    .withApiVersion("argoproj.io/v1alpha1")
                                                    .withKind("Application")
                                                    .withName("pills")
                                                    .withUid("0f0f0f0f-0000-4000-8000-000000000001")
                                                    .build());
                            return service;
                        });

        String second = serve("stage2", "stage1", 600);

        Service switched = trackService();
        assertThat(switched.getSpec().getSelector())
                .containsEntry(ApiConstants.LABEL_MODEL_VERSION, ServingNames.versionLabel(second));
        assertThat(switched.getMetadata().getLabels())
                .containsEntry("mesh.example.com/injected", "true");
        assertThat(switched.getMetadata().getAnnotations())
                .containsEntry("argocd.argoproj.io/tracking-id", "pills:/Service/pills");
        assertThat(switched.getMetadata().getOwnerReferences())
                .extracting(OwnerReference::getKind)
                .contains("Application", "PillsnapStage");
    }

    /** Promotes {@code stage} and makes its model serve the track; returns its version. */
    private String serve(String stage, String after, int readyTimeout) {
        var builder = TestStages.stage(stage, after == null ? 1 : 2).serving(TRACK, readyTimeout);
        if (after != null) {
            builder.after(after);
        }
        cluster.apply(builder.build());
        String version = promote(stage);
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(version))
                        .getMetadata()
                        .getName());
        cluster.awaitStage(stage, servingState(ServingStatus.SERVING), Duration.ofSeconds(60));
        return version;
    }

    /** stage2 promoted with a 10 s rollout deadline that its pods never meet. */
    private String failRollout() {
        cluster.apply(TestStages.stage("stage2", 2).after("stage1").serving(TRACK, 10).build());
        String second = promote("stage2");
        kubelet.awaitDeployment(ServingNames.deploymentName(second));
        cluster.awaitStage(
                "stage2", servingState(ServingStatus.ROLLOUT_FAILED), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas(second) == 0);
        return second;
    }

    private String promote(String stage) {
        Job job = kubelet.awaitJob(stage, 1, 1);
        kubelet.trainAndSucceed(job, Map.of(TOP1, 0.9));
        PillsnapStage promoted =
                cluster.awaitStage(stage, s -> s.getStatus().phase() == StagePhase.Promoted);
        return stage + "/" + promoted.getStatus().run().id();
    }

    private void patchServing(String stage, String serving) {
        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName(stage)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"serving\":" + serving + "}}");
    }

    private Service trackService() {
        return cluster.client().services().inNamespace(MockCluster.NAMESPACE).withName(TRACK).get();
    }

    private String selectedVersion() {
        Service service = trackService();
        return service == null
                ? null
                : service.getSpec().getSelector().get(ApiConstants.LABEL_MODEL_VERSION);
    }

    private int replicas(String version) {
        Deployment deployment = kubelet.deployment(ServingNames.deploymentName(version));
        return deployment == null ? -1 : deployment.getSpec().getReplicas();
    }

    private static Predicate<PillsnapStage> servingReason(String reason) {
        return stage ->
                stage.getStatus()
                        .condition(ConditionType.Serving)
                        .map(c -> reason.equals(c.getReason()))
                        .orElse(false);
    }

    private static Condition servingCondition(PillsnapStage stage) {
        return stage.getStatus().condition(ConditionType.Serving).orElseThrow();
    }

    private static Predicate<PillsnapStage> servingState(String state) {
        return stage ->
                stage.getStatus().serving() != null
                        && state.equals(stage.getStatus().serving().state());
    }
}
