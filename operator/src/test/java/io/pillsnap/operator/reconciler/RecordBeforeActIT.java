package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.testing.ApiRequest;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Record before act: before the operator creates a trainer Job or moves a track, the stage's status
 * says which run, attempt and spec it is for, so that whatever happens next (a crash, a refused
 * request) the next reconcile knows what the Job or the switch came from; and
 * status.observedGeneration moves only once a generation was acted on.
 */
class RecordBeforeActIT {

    private static final String TRACK = "pills";

    private MockCluster cluster;
    private FakeKubelet kubelet;
    private final List<ApiRequest> writes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        cluster = MockCluster.create().startOperator();
        kubelet = cluster.kubelet();
        cluster.api()
                .guard(
                        request -> {
                            if (request.fromOperator()
                                    && List.of("create", "update", "patch")
                                            .contains(request.verb())) {
                                writes.add(request);
                            }
                            return null;
                        });
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void statusNamesTheRunAttemptAndSpecBeforeTheTrainerJobIsCreated() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);

        int created = indexOf(w -> w.verb().equals("create") && w.resource().equals("jobs"));
        int recorded =
                indexOf(
                        w ->
                                "status".equals(w.subresource())
                                        && job.getMetadata()
                                                .getName()
                                                .equals(json(w).at("/status/run/job").asText()));
        assertThat(recorded).as("the status write naming the Job").isNotNegative();
        assertThat(recorded).as("recorded before the Job was created").isLessThan(created);
        String specHash = json(writes.get(recorded)).at("/status/run/specHash").asText();
        assertThat(specHash).isNotEmpty();
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("pillsnap.io/spec-hash", specHash);
        assertThat(cluster.get("stage1").getStatus().run().specHash()).isEqualTo(specHash);
    }

    @Test
    void statusNamesTheModelATrackIsSwitchedToBeforeTheServiceMoves() {
        cluster.apply(TestStages.stage("stage1", 1).serving(TRACK, 600).build());
        kubelet.trainAndSucceed(kubelet.awaitJob("stage1", 1, 1), Map.of(TOP1, 0.9));
        PillsnapStage promoted =
                cluster.awaitStage("stage1", s -> s.getStatus().phase() == StagePhase.Promoted);
        String version = "stage1/" + promoted.getStatus().run().id();
        kubelet.deploymentReady(
                kubelet.awaitDeployment(ServingNames.deploymentName(version))
                        .getMetadata()
                        .getName());
        cluster.awaitStage(
                "stage1",
                s ->
                        s.getStatus().serving() != null
                                && ServingStatus.SERVING.equals(s.getStatus().serving().state()));

        int switched = indexOf(w -> w.resource().equals("services"));
        int recorded =
                indexOf(
                        w ->
                                "status".equals(w.subresource())
                                        && json(w).at("/status/serving/message")
                                                .asText()
                                                .startsWith(
                                                        "switching track "
                                                                + TRACK
                                                                + " to "
                                                                + version));
        assertThat(recorded).as("the status write naming the switch").isNotNegative();
        assertThat(recorded).as("recorded before the Service was written").isLessThan(switched);
    }

    @Test
    void observedGenerationMovesOnlyOnceTheGenerationWasActedOn() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        kubelet.trainAndSucceed(kubelet.awaitJob("stage1", 1, 1), Map.of(TOP1, 0.9));
        cluster.awaitStage("stage1", s -> s.getStatus().phase() == StagePhase.Promoted);
        AtomicBoolean quotaFull = new AtomicBoolean(true);
        cluster.api()
                .guard(
                        request ->
                                quotaFull.get()
                                                && request.fromOperator()
                                                && "create".equals(request.verb())
                                                && "jobs".equals(request.resource())
                                        ? new MockResponse().setResponseCode(403)
                                        : null);

        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName("stage1")
                .edit(
                        s -> {
                            s.setSpec(
                                    TestStages.stage("stage1", 1)
                                            .rerunNonce("2")
                                            .build()
                                            .getSpec());
                            return s;
                        });

        PillsnapStage intended =
                cluster.awaitStage(
                        "stage1",
                        s -> s.getStatus().run() != null && s.getStatus().run().number() == 2);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> cluster.get("stage1").getStatus().observedGeneration() == 1L);
        assertThat(intended.getMetadata().getGeneration()).isEqualTo(2L);

        quotaFull.set(false);

        kubelet.awaitJob("stage1", 2, 1);
        cluster.awaitStage("stage1", s -> s.getStatus().observedGeneration() == 2L);
    }

    @Test
    void operatorStoppedBetweenRecordingAndCreatingCreatesTheJobItRecorded() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        cluster.api()
                .guard(
                        request ->
                                refuse.get()
                                                && request.fromOperator()
                                                && "create".equals(request.verb())
                                                && "jobs".equals(request.resource())
                                        ? new MockResponse().setResponseCode(403)
                                        : null);
        cluster.apply(TestStages.stage("stage1", 1).build());
        PillsnapStage intended =
                cluster.awaitStage(
                        "stage1",
                        s -> s.getStatus().run() != null && s.getStatus().run().specHash() != null);
        cluster.stopOperator();
        refuse.set(false);

        cluster.startOperator();

        Job job = kubelet.awaitJob("stage1", 1, 1);
        assertThat(job.getMetadata().getName()).isEqualTo(intended.getStatus().run().job());
        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("pillsnap.io/spec-hash", intended.getStatus().run().specHash());
        assertThat(kubelet.jobs("stage1")).hasSize(1);
    }

    private int indexOf(Predicate<ApiRequest> write) {
        for (int i = 0; i < writes.size(); i++) {
            if (write.test(writes.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode json(ApiRequest request) {
        try {
            return Serialization.jsonMapper().readTree(request.body());
        } catch (Exception e) {
            return Serialization.jsonMapper().createObjectNode();
        }
    }
}
