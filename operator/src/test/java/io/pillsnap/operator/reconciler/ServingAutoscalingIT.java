package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.testing.ApiRequest;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.RbacGuard.Permission;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Autoscaling and disruption budgets of served models against Fabric8's CRUD mock API server: the
 * fake kubelet reports Ready pods, and the test plays the HPA controller where one is needed (it
 * scales a Deployment; the mock has no controllers).
 */
class ServingAutoscalingIT {

    private static final String TRACK = "pills";
    private static final AutoscalingSpec ON_CPU = AutoscalingSpec.onCpu(2, 5, 70);

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
    void autoscaledModelGetsItsAutoscalerAndBudgetWithItsDeploymentBeforeItServes() {
        cluster.apply(stage("stage1", 1).autoscaling(ON_CPU).build());
        String version = promote("stage1");
        String name = ServingNames.deploymentName(version);

        Deployment deployment = kubelet.awaitDeployment(name);
        HorizontalPodAutoscaler hpa = awaitAutoscaler(name);
        PodDisruptionBudget budget = awaitBudget(name);

        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("apps/v1");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(hpa.getSpec().getMetrics())
                .singleElement()
                .satisfies(
                        metric -> {
                            assertThat(metric.getResource().getName()).isEqualTo("cpu");
                            assertThat(metric.getResource().getTarget().getAverageUtilization())
                                    .isEqualTo(70);
                        });
        assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(budget.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector());
        String uid = cluster.get("stage1").getMetadata().getUid();
        for (var owners :
                List.of(
                        hpa.getMetadata().getOwnerReferences(),
                        budget.getMetadata().getOwnerReferences())) {
            assertThat(owners)
                    .singleElement()
                    .satisfies(
                            owner -> {
                                assertThat(owner.getUid()).isEqualTo(uid);
                                assertThat(owner.getController()).isTrue();
                            });
        }
        PillsnapStage rolling =
                cluster.awaitStage("stage1", servingState(ServingStatus.ROLLING_OUT));
        assertThat(rolling.getStatus().serving().message()).contains("waiting for 2 Ready");
        assertThat(trackService()).as("no traffic before the pods are Ready").isNull();

        kubelet.deploymentReady(name);

        PillsnapStage serving = cluster.awaitStage("stage1", servingState(ServingStatus.SERVING));
        assertThat(serving.getStatus().serving().message())
                .contains("2 Ready pods (autoscaled from 2 to 5)");
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(version));
    }

    @Test
    void anAutoscalerThatCannotReadItsMetricIsNamedInTheStageStatus() {
        cluster.apply(stage("stage1", 1).autoscaling(ON_CPU).build());
        String name = ServingNames.deploymentName(promote("stage1"));
        kubelet.awaitDeployment(name);
        awaitAutoscaler(name);
        kubelet.deploymentReady(name);
        cluster.awaitStage("stage1", servingState(ServingStatus.SERVING));

        // what the HPA controller writes on a cluster without metrics-server
        retryOnConflict(
                () ->
                        cluster.client()
                                .autoscaling()
                                .v2()
                                .horizontalPodAutoscalers()
                                .inNamespace(MockCluster.NAMESPACE)
                                .withName(name)
                                .editStatus(
                                        hpa -> {
                                            hpa.setStatus(
                                                    new HorizontalPodAutoscalerStatusBuilder()
                                                            .withCurrentReplicas(2)
                                                            .withDesiredReplicas(2)
                                                            .addNewCondition()
                                                            .withType("ScalingActive")
                                                            .withStatus("False")
                                                            .withReason("FailedGetResourceMetric")
                                                            .withMessage(
                                                                    "the HPA was unable to compute"
                                                                            + " the replica count:"
                                                                            + " unable to get metrics"
                                                                            + " for resource cpu")
                                                            .endCondition()
                                                            .build());
                                            return hpa;
                                        }));

        PillsnapStage stuck =
                cluster.awaitStage(
                        "stage1",
                        s ->
                                s.getStatus() != null
                                        && s.getStatus().serving() != null
                                        && s.getStatus()
                                                .serving()
                                                .message()
                                                .contains("cannot scale"));
        assertThat(stuck.getStatus().serving().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(stuck.getStatus().serving().message())
                .contains(
                        "FailedGetResourceMetric: the HPA was unable to compute the replica count")
                .contains("kubectl describe hpa " + name);
    }

    @Test
    void replicasTheAutoscalerSetAreLeftAlone() {
        String version = serve("stage1", stage("stage1", 1).autoscaling(ON_CPU));
        String name = ServingNames.deploymentName(version);
        long generation = cluster.get("stage1").getMetadata().getGeneration();

        scaleAsTheAutoscalerDoes(name, 4);
        kubelet.deploymentReady(name);

        cluster.awaitStage(
                "stage1",
                s ->
                        s.getStatus().serving().readyReplicas() == 4
                                && s.getStatus().observedGeneration() == generation);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> kubelet.deployment(name).getSpec().getReplicas() == 4);
        assertThat(cluster.get("stage1").getStatus().serving().state())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void newModelsAutoscalerExistsBeforeTrafficMovesAndTheOldOneGoesWithItsPods() {
        String first = serve("stage1", stage("stage1", 1).autoscaling(ON_CPU).scaleDownDelay(2));
        String firstName = ServingNames.deploymentName(first);
        scaleAsTheAutoscalerDoes(firstName, 3);
        List<String> requests = recordRequests();

        cluster.apply(
                stage("stage2", 2)
                        .after("stage1")
                        .autoscaling(AutoscalingSpec.onInflightRequests(2, 8, 1.5))
                        .scaleDownDelay(2)
                        .build());
        String second = promote("stage2");
        String secondName = ServingNames.deploymentName(second);
        kubelet.awaitDeployment(secondName);
        // it starts at the 3 pods the served model's autoscaler had grown it to (bounds 2..8)
        assertThat(kubelet.deployment(secondName).getSpec().getReplicas()).isEqualTo(3);

        // rolling out: its own autoscaler and budget are there while the old model has the traffic
        HorizontalPodAutoscaler hpa = awaitAutoscaler(secondName);
        awaitBudget(secondName);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(secondName);
        assertThat(hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName())
                .isEqualTo("pillsnap_inference_inflight");
        assertThat(cluster.get("stage2").getStatus().serving().state())
                .isEqualTo(ServingStatus.ROLLING_OUT);
        assertThat(selectedVersion(trackService())).isEqualTo(ServingNames.versionLabel(first));
        assertThat(autoscaler(firstName)).isNotNull();

        kubelet.deploymentReady(secondName);

        cluster.awaitStage("stage2", servingState(ServingStatus.SERVING));
        await().atMost(Duration.ofSeconds(15))
                .until(
                        () ->
                                autoscaler(firstName) == null
                                        && budget(firstName) == null
                                        && kubelet.deployment(firstName).getSpec().getReplicas()
                                                == 0);
        assertThat(autoscaler(secondName)).isNotNull();
        assertThat(budget(secondName)).isNotNull();
        String switched = "switch track " + TRACK + " to " + ServingNames.versionLabel(second);
        assertThat(requests)
                .containsSubsequence(
                        "create HorizontalPodAutoscaler " + secondName,
                        switched,
                        "delete HorizontalPodAutoscaler " + firstName,
                        "scale " + firstName + " to 0");
    }

    @Test
    void removingAutoscalingDeletesTheAutoscalerAndTheOperatorSetsTheReplicasAgain() {
        String version = serve("stage1", stage("stage1", 1).autoscaling(ON_CPU));
        String name = ServingNames.deploymentName(version);
        scaleAsTheAutoscalerDoes(name, 4);

        // wider bounds and more CPU per pod: the HPA and the pods change, the HPA's count stays
        editSpec(stage("stage1", 1).autoscaling(AutoscalingSpec.onCpu(2, 9, 70)).servingCpu("3"));
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                autoscaler(name).getSpec().getMaxReplicas() == 9
                                        && cpuLimit(kubelet.deployment(name)).equals("3"));
        assertThat(kubelet.deployment(name).getSpec().getReplicas()).isEqualTo(4);

        editSpec(stage("stage1", 1).servingReplicas(1));

        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                autoscaler(name) == null
                                        && budget(name) == null
                                        && kubelet.deployment(name).getSpec().getReplicas() == 1);
        kubelet.deploymentReady(name);
        PillsnapStage fixed =
                cluster.awaitStage(
                        "stage1",
                        s ->
                                s.getStatus().serving().message().contains("1/1 Ready pods")
                                        && s.getStatus().observedGeneration()
                                                == s.getMetadata().getGeneration());
        assertThat(fixed.getStatus().serving().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(cluster.rbac().used())
                .as("what the operator needed for autoscalers and budgets")
                .contains(
                        new Permission("list", "autoscaling", "horizontalpodautoscalers"),
                        new Permission("watch", "autoscaling", "horizontalpodautoscalers"),
                        new Permission("create", "autoscaling", "horizontalpodautoscalers"),
                        new Permission("update", "autoscaling", "horizontalpodautoscalers"),
                        new Permission("delete", "autoscaling", "horizontalpodautoscalers"),
                        new Permission("create", "policy", "poddisruptionbudgets"),
                        new Permission("delete", "policy", "poddisruptionbudgets"));
    }

    @Test
    void fixedModelOfTwoPodsGetsABudgetAndNoAutoscalerAndOneOfOnePodNeither() {
        String two = serve("stage1", stage("stage1", 1).servingReplicas(2));
        String twoName = ServingNames.deploymentName(two);
        assertThat(awaitBudget(twoName).getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));

        String one = serve("stage9", TestStages.stage("stage9", 1).serving("other", 600));

        PillsnapStage acted =
                cluster.awaitStage(
                        "stage9",
                        s -> s.getStatus().observedGeneration() == s.getMetadata().getGeneration());
        assertThat(acted.getStatus().serving().state()).isEqualTo(ServingStatus.SERVING);
        assertThat(autoscaler(twoName)).isNull();
        assertThat(autoscaler(ServingNames.deploymentName(one))).isNull();
        assertThat(budget(ServingNames.deploymentName(one))).isNull();
        assertThat(kubelet.deployment(ServingNames.deploymentName(one)).getSpec().getReplicas())
                .isEqualTo(1);
    }

    private static TestStages.Builder stage(String name, int stage) {
        return TestStages.stage(name, stage).serving(TRACK, 600);
    }

    /** Applies the stage, trains it, makes its pods Ready; returns its model version. */
    private String serve(String stageName, TestStages.Builder stage) {
        cluster.apply(stage.build());
        String version = promote(stageName);
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(version))
                        .getMetadata()
                        .getName());
        cluster.awaitStage(stageName, servingState(ServingStatus.SERVING));
        return version;
    }

    private String promote(String stage) {
        kubelet.trainAndSucceed(kubelet.awaitJob(stage, 1, 1), Map.of(TOP1, 0.9));
        PillsnapStage promoted =
                cluster.awaitStage(stage, s -> s.getStatus().phase() == StagePhase.Promoted);
        return stage + "/" + promoted.getStatus().run().id();
    }

    private void editSpec(TestStages.Builder stage) {
        PillsnapStage edited = stage.build();
        retryOnConflict(
                () ->
                        cluster.client()
                                .resources(PillsnapStage.class)
                                .inNamespace(MockCluster.NAMESPACE)
                                .withName(edited.getMetadata().getName())
                                .edit(
                                        s -> {
                                            s.setSpec(edited.getSpec());
                                            return s;
                                        }));
    }

    /** What the HPA controller does: it sets the Deployment's replicas, and the pods come up. */
    private void scaleAsTheAutoscalerDoes(String deployment, int replicas) {
        retryOnConflict(
                () ->
                        cluster.client()
                                .apps()
                                .deployments()
                                .inNamespace(MockCluster.NAMESPACE)
                                .withName(deployment)
                                .edit(
                                        d -> {
                                            d.getSpec().setReplicas(replicas);
                                            return d;
                                        }));
        kubelet.deploymentReady(deployment);
    }

    /** An edit locked on the version read, tried again when the operator wrote in between. */
    private static void retryOnConflict(Runnable edit) {
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptionsMatching(
                        e -> e instanceof KubernetesClientException k && k.getCode() == 409)
                .until(
                        () -> {
                            edit.run();
                            return true;
                        });
    }

    /**
     * The operator's writes from now on, in order, as "create KIND name", "delete KIND name",
     * "switch track T to VERSION-LABEL" and "scale DEPLOYMENT to N".
     */
    private List<String> recordRequests() {
        List<String> requests = new CopyOnWriteArrayList<>();
        cluster.api()
                .guard(
                        request -> {
                            if (request.fromOperator() && request.isResourceRequest()) {
                                String described = describe(request);
                                if (described != null) {
                                    requests.add(described);
                                }
                            }
                            return null;
                        });
        return requests;
    }

    private static String describe(ApiRequest request) {
        JsonNode body = json(request.body());
        String kind =
                switch (request.resource()) {
                    case "horizontalpodautoscalers" -> "HorizontalPodAutoscaler";
                    case "poddisruptionbudgets" -> "PodDisruptionBudget";
                    default -> null;
                };
        if (kind != null && request.verb().equals("create")) {
            return "create " + kind + " " + body.path("metadata").path("name").asText();
        }
        if (kind != null && request.verb().equals("delete")) {
            return "delete " + kind + " " + request.name();
        }
        if (request.resource().equals("services")
                && body != null
                && body.path("spec").path("selector").has(ApiConstants.LABEL_MODEL_VERSION)) {
            return "switch track "
                    + request.name()
                    + " to "
                    + body.path("spec")
                            .path("selector")
                            .path(ApiConstants.LABEL_MODEL_VERSION)
                            .asText();
        }
        if (request.resource().equals("deployments")
                && body != null
                && body.path("spec").has("replicas")
                && request.name() != null) {
            return "scale " + request.name() + " to " + body.path("spec").path("replicas").asInt();
        }
        return null;
    }

    private static JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return Serialization.jsonMapper().readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    private static String cpuLimit(Deployment deployment) {
        return deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getLimits()
                .get("cpu")
                .toString();
    }

    private HorizontalPodAutoscaler awaitAutoscaler(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> autoscaler(name) != null);
        return autoscaler(name);
    }

    private PodDisruptionBudget awaitBudget(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> budget(name) != null);
        return budget(name);
    }

    private HorizontalPodAutoscaler autoscaler(String name) {
        return cluster.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(MockCluster.NAMESPACE)
                .withName(name)
                .get();
    }

    private PodDisruptionBudget budget(String name) {
        return cluster.client()
                .policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(MockCluster.NAMESPACE)
                .withName(name)
                .get();
    }

    private Service trackService() {
        return cluster.client().services().inNamespace(MockCluster.NAMESPACE).withName(TRACK).get();
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
}
