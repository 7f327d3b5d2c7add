package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.testing.ApiRequest;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stage whose trainer goes through a Kueue LocalQueue (spec.resources.queueName), the test
 * playing Kueue: the Job is made suspended with the queue's label, the stage waits with Kueue's
 * reason, trains once Kueue admits the Job, and an eviction is a preemption, not a failure: the
 * same attempt resumes from its checkpoint when Kueue admits it again. The operator never
 * un-suspends a Job itself.
 */
class KueueIT {

    private MockCluster cluster;
    private FakeKubelet kubelet;
    private final List<ApiRequest> jobWrites = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        // Kueue's API served: the operator finds it at start (kueueWorkloads: auto)
        cluster =
                MockCluster.create()
                        .withKueue()
                        .startOperator(
                                OperatorConfig.forTests().toBuilder().kueueWorkloads(null).build());
        kubelet = cluster.kubelet();
        cluster.api()
                .guard(
                        request -> {
                            if (request.fromOperator()
                                    && "jobs".equals(request.resource())
                                    && List.of("update", "patch").contains(request.verb())) {
                                jobWrites.add(request);
                            }
                            return null;
                        });
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void jobWaitsInItsQueueTrainsWhenAdmittedAndResumesAfterAnEviction() {
        cluster.apply(TestStages.stage("stage1", 1).queueName("gpu-queue").build());
        Job job = kubelet.awaitJob("stage1", 1, 1);

        assertThat(job.getSpec().getSuspend()).isTrue();
        assertThat(job.getMetadata().getLabels())
                .containsEntry("kueue.x-k8s.io/queue-name", "gpu-queue");
        kubelet.kueueWorkload(
                job,
                "QuotaReserved",
                "False",
                "Pending",
                "couldn't assign flavors to pod set main: insufficient unused quota for"
                        + " nvidia.com/gpu in flavor a100, 1 more needed");
        PillsnapStage waiting = cluster.awaitStage("stage1", trainedReason("KueuePending"));
        assertThat(waiting.getStatus().phase()).isEqualTo(StagePhase.Queued);
        assertThat(waiting.getStatus().message())
                .contains("Kueue LocalQueue 'gpu-queue'")
                .contains("insufficient unused quota for nvidia.com/gpu");

        // admitted: Kueue un-suspends the Job, its pod runs
        kubelet.admit(job);
        Pod first = kubelet.startPod(job);
        cluster.awaitStage("stage1", s -> s.getStatus().phase() == StagePhase.Training);

        // evicted for a higher-priority workload: suspended again, its pod deleted
        kubelet.kueueWorkload(
                job,
                "Evicted",
                "True",
                "Preempted",
                "Preempted to accommodate a workload (UID: 7c1f) due to prioritization in the"
                        + " ClusterQueue");
        kubelet.evict(job, first);
        PillsnapStage evicted = cluster.awaitStage("stage1", trainedReason("KueuePreempted"));
        assertThat(evicted.getStatus().phase()).isEqualTo(StagePhase.Queued);
        assertThat(evicted.getStatus().message()).contains("Preempted to accommodate a workload");
        assertThat(evicted.getStatus().run().evictions()).isEqualTo(1);
        assertThat(evicted.getStatus().run().failedAttempts()).isZero();

        // admitted again: the same attempt goes on from the run's last checkpoint
        kubelet.admit(job);
        Pod second = kubelet.startPod(job);
        assertThat(second.getSpec().getContainers().get(0).getArgs())
                .contains(
                        "--resume-from=/artifacts/"
                                + evicted.getStatus().run().artifactsPath()
                                + "/checkpoints/last");
        cluster.awaitStage("stage1", s -> s.getStatus().phase() == StagePhase.Training);
        kubelet.succeed(
                job, second, TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.6)));

        PillsnapStage promoted =
                cluster.awaitStage("stage1", s -> s.getStatus().phase() == StagePhase.Promoted);
        assertThat(promoted.getStatus().run().attempt()).isEqualTo(1);
        assertThat(promoted.getStatus().run().failedAttempts()).isZero();
        assertThat(promoted.getStatus().run().evictions()).isEqualTo(1);
        assertThat(kubelet.jobs("stage1")).hasSize(1);
        assertThat(jobWrites).as("updates and patches of Jobs by the operator").isEmpty();
    }

    private static Predicate<PillsnapStage> trainedReason(String reason) {
        return stage ->
                stage.getStatus()
                        .condition(ConditionType.Trained)
                        .map(c -> reason.equals(c.getReason()))
                        .orElse(false);
    }
}
