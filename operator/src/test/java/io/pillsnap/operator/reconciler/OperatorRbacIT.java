package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.testing.ChartRbac;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.RbacGuard.Permission;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator on an API server that enforces RBAC from the Helm chart's ClusterRole and Roles, and
 * OwnerReferencesPermissionEnforcement (OpenShift, hardened clusters). Every IT runs so: the mock
 * cluster fails a test whose operator was refused a request. This one walks stages through what the
 * operator does, and shows that a rule missing from the chart is caught.
 */
class OperatorRbacIT {

    private static final String TRACK = "pills";

    private MockCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void chartGrantsEveryRequestOfStagesTrainedRetriedReadPromotedServedAndDeleted() {
        cluster = MockCluster.create().startOperator();
        FakeKubelet kubelet = cluster.kubelet();
        cluster.apply(TestStages.stage("stage1", 1).serving(TRACK, 600).scaleDownDelay(1).build());
        Job first = kubelet.awaitJob("stage1", 1, 1);
        kubelet.fail(first, kubelet.startPod(first), 1, TestResults.failed("CUDA error"));
        Job second = kubelet.awaitJob("stage1", 1, 2);
        kubelet.trainAndSucceed(second, Map.of(TOP1, 0.9));
        String v1 = promoted("stage1");
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(v1)).getMetadata().getName());
        cluster.awaitStage("stage1", serving(ServingStatus.SERVING));

        // stage2's pod vanishes with its result: read from the run folder; then it takes the track
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .after("stage1")
                        .serving(TRACK, 600)
                        .scaleDownDelay(1)
                        .build());
        Job job = kubelet.awaitJob("stage2", 1, 1);
        Pod pod = kubelet.startPod(job);
        kubelet.completeJob(job);
        kubelet.deletePod(pod);
        Job reader = kubelet.awaitResultReader("stage2", 1);
        kubelet.succeed(
                reader,
                kubelet.startPod(reader),
                TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.9)));
        String v2 = promoted("stage2");
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(v2)).getMetadata().getName());
        cluster.awaitStage("stage2", serving(ServingStatus.SERVING));

        // deleting the serving stage hands the track back
        cluster.delete("stage2");
        cluster.collectGarbage();
        await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                kubelet.deployment(ServingNames.deploymentName(v1)) != null
                                        && kubelet.deployment(ServingNames.deploymentName(v1))
                                                        .getSpec()
                                                        .getReplicas()
                                                == 1);
        kubelet.deploymentReady(ServingNames.deploymentName(v1));
        cluster.awaitStage("stage1", serving(ServingStatus.SERVING), Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.get("stage2") == null);

        assertThat(cluster.rbac().refusals()).isEmpty();
        assertThat(cluster.rbac().used())
                .as("what the operator needed, OwnerReferencesPermissionEnforcement included")
                .contains(
                        new Permission("create", "batch", "jobs"),
                        new Permission("update", "pillsnap.io", "pillsnapstages/finalizers"),
                        new Permission("update", "pillsnap.io", "pillsnapstages/status"),
                        new Permission("watch", "", "events"),
                        new Permission("create", "", "services"),
                        new Permission("delete", "batch", "jobs"));
    }

    @Test
    void ruleTheChartLacksIsRefusedAsOnACluster() {
        List<PolicyRule> withoutFinalizers = new ArrayList<>();
        for (PolicyRule rule : ChartRbac.rules()) {
            List<String> resources =
                    rule.getResources().stream()
                            .filter(r -> !r.equals("pillsnapstages/finalizers"))
                            .toList();
            if (!resources.isEmpty()) {
                withoutFinalizers.add(new PolicyRuleBuilder(rule).withResources(resources).build());
            }
        }
        cluster = MockCluster.create(withoutFinalizers).startOperator();

        cluster.apply(TestStages.stage("stage1", 1).build());

        PillsnapStage refused =
                cluster.awaitStage("stage1", s -> s.getStatus().message().contains("forbidden"));
        assertThat(refused.getStatus().message()).contains("pillsnapstages/finalizers");
        assertThat(cluster.rbac().refusals())
                .anySatisfy(r -> assertThat(r).contains("cannot update pillsnapstages/finalizers"));
        assertThat(cluster.kubelet().jobs("stage1")).isEmpty();
        cluster.rbac().acknowledge();
    }

    private String promoted(String stage) {
        PillsnapStage promoted =
                cluster.awaitStage(stage, s -> s.getStatus().phase() == StagePhase.Promoted);
        return stage + "/" + promoted.getStatus().run().id();
    }

    private static java.util.function.Predicate<PillsnapStage> serving(String state) {
        return stage ->
                stage.getStatus().serving() != null
                        && state.equals(stage.getStatus().serving().state());
    }
}
