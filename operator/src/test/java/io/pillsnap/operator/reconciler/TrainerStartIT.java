package io.pillsnap.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A trainer that does not start, against the mock API server: the stage names the cause (image
 * pull, scheduling, quota) in its message and in the reason of its Trained condition, and an
 * attempt that waits past spec.resources.startTimeoutSeconds fails and counts against the retries.
 */
class TrainerStartIT {

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
    void imagePullBackOffIsTheReasonTheStageGives() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);

        kubelet.podWaiting(
                job,
                "ImagePullBackOff",
                "Back-off pulling image \"ghcr.io/pillsnap/pillsnap-trainer:test\"");

        PillsnapStage stage = cluster.awaitStage("stage1", trainedReason("ImagePullBackOff"));
        assertThat(stage.getStatus().phase()).isEqualTo(StagePhase.Queued);
        assertThat(stage.getStatus().message())
                .contains("ImagePullBackOff: Back-off pulling image")
                .contains("PILLSNAP_TRAINER_IMAGE");
        assertThat(trained(stage).getMessage()).contains("startTimeoutSeconds");
    }

    @Test
    void unschedulablePodIsNamedInTheSchedulersWords() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);

        kubelet.podUnschedulable(job, "0/5 nodes are available: 5 Insufficient nvidia.com/gpu.");

        PillsnapStage stage = cluster.awaitStage("stage1", trainedReason("Unschedulable"));
        assertThat(stage.getStatus().message())
                .contains("Unschedulable: 0/5 nodes are available: 5 Insufficient nvidia.com/gpu")
                .contains("spec.resources");
    }

    @Test
    void quotaThatRefusesThePodIsNamedFromTheJobsEvents() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);

        kubelet.refusePods(
                job,
                "Error creating: pods \"stage1-x\" is forbidden: exceeded quota: gpu-quota,"
                        + " requested: nvidia.com/gpu=1, used: nvidia.com/gpu=4, limited:"
                        + " nvidia.com/gpu=4");

        PillsnapStage stage = cluster.awaitStage("stage1", trainedReason("FailedCreate"));
        assertThat(stage.getStatus().message())
                .contains("exceeded quota: gpu-quota")
                .contains("ResourceQuota");
    }

    @Test
    void trainerThatStartsLateTrainsOn() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        Pod pod = kubelet.podWaiting(job, "ImagePullBackOff", "Back-off pulling image");
        cluster.awaitStage("stage1", trainedReason("ImagePullBackOff"));

        kubelet.run(pod);

        PillsnapStage training = cluster.awaitStage("stage1", trainedReason("Training"));
        assertThat(training.getStatus().phase()).isEqualTo(StagePhase.Training);
        assertThat(training.getStatus().run().failedAttempts()).isZero();
    }

    @Test
    void attemptThatNeverStartsFailsAfterTheStartTimeoutAndCountsAgainstTheRetries() {
        // the mock API server does not enforce the schema's minimum of 60 s
        cluster.apply(TestStages.stage("stage1", 1).startTimeoutSeconds(3).maxRetries(1).build());
        Job first = kubelet.awaitJob("stage1", 1, 1);
        kubelet.podWaiting(first, "ImagePullBackOff", "Back-off pulling image");

        Job second = kubelet.awaitJob("stage1", 1, 2);
        PillsnapStage retried = cluster.get("stage1");
        assertThat(retried.getStatus().run().attempt()).isEqualTo(2);
        assertThat(retried.getStatus().run().failedAttempts()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.findJob("stage1", 1, 1) == null);
        assertThat(events("AttemptFailed"))
                .singleElement()
                .satisfies(
                        e ->
                                assertThat(e.getMessage())
                                        .contains("did not start within 3 s")
                                        .contains("ImagePullBackOff"));

        kubelet.podUnschedulable(second, "0/5 nodes are available: 5 Insufficient nvidia.com/gpu.");

        PillsnapStage failed =
                cluster.awaitStage(
                        "stage1",
                        s -> s.getStatus().phase() == StagePhase.Failed,
                        Duration.ofSeconds(15));
        assertThat(trained(failed).getReason()).isEqualTo("StartTimeout");
        assertThat(failed.getStatus().message())
                .contains("did not start within 3 s")
                .contains("Unschedulable")
                .contains("no retries left");
        assertThat(failed.getStatus().run().failedAttempts()).isEqualTo(2);
    }

    private List<Event> events(String reason) {
        return cluster
                .client()
                .v1()
                .events()
                .inNamespace(MockCluster.NAMESPACE)
                .list()
                .getItems()
                .stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    private static java.util.function.Predicate<PillsnapStage> trainedReason(String reason) {
        return stage ->
                stage.getStatus()
                        .condition(ConditionType.Trained)
                        .map(c -> reason.equals(c.getReason()))
                        .orElse(false);
    }

    private static Condition trained(PillsnapStage stage) {
        return stage.getStatus().condition(ConditionType.Trained).orElseThrow();
    }
}
