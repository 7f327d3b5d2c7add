package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A fake trainer's /progress (a local HTTP server at the pod's IP and progress port) reaches the
 * stage's status while it trains; a trainer that stops answering sensibly changes nothing else.
 */
class TrainingProgressIT {

    private static final String PROGRESS =
            """
            {"stage":"stage1","runId":"r1","phase":"training","epoch":4,"epochs":10,
             "batch":20,"batches":125,"loss":1.83,"learningRate":0.0012,"imagesPerSecond":250.0,
             "bestTop1":0.412,"etaSeconds":250,"updated":"2026-11-24T07:00:00Z"}
            """;

    private MockCluster cluster;
    private FakeKubelet kubelet;
    private HttpServer trainer;
    private final AtomicReference<String> answer = new AtomicReference<>(PROGRESS);
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        trainer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        trainer.createContext(
                "/progress",
                exchange -> {
                    requests.incrementAndGet();
                    byte[] body = answer.get().getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(status.get(), body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        trainer.start();
        cluster = MockCluster.create().startOperator();
        kubelet = cluster.kubelet();
    }

    @AfterEach
    void stop() {
        cluster.close();
        trainer.stop(0);
    }

    @Test
    void progressOfTheRunningTrainerReachesStatusAndItsFailuresDoNotFailTheStage() {
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        Pod pod = kubelet.startPod(job, "127.0.0.1", trainer.getAddress().getPort());

        PillsnapStage training =
                cluster.awaitStage(
                        "stage1",
                        s ->
                                s.getStatus().progress() != null
                                        && "4/10".equals(s.getStatus().progress().display()));
        ProgressStatus progress = training.getStatus().progress();
        assertThat(training.getStatus().phase()).isEqualTo(StagePhase.Training);
        assertThat(progress.bestTop1()).isEqualTo(0.412);
        assertThat(progress.etaSeconds()).isEqualTo(250);
        assertThat(progress.summary()).isEqualTo("40%, top-1 0.412, ETA 4m10s");

        // the trainer answers garbage, then errors: the stage keeps training, progress stays
        answer.set("{not json");
        int before = requests.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() >= before + 2);
        status.set(503);
        int later = requests.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() >= later + 2);
        PillsnapStage still = cluster.get("stage1");
        assertThat(still.getStatus().phase()).isEqualTo(StagePhase.Training);
        assertThat(still.getStatus().progress()).isEqualTo(progress);
        assertThat(still.getStatus().message()).doesNotContain("progress");

        kubelet.succeed(
                job, pod, TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.55)));

        PillsnapStage promoted =
                cluster.awaitStage("stage1", s -> s.getStatus().phase() == StagePhase.Promoted);
        assertThat(promoted.getStatus().progress().display()).isEqualTo("3/3");
    }
}
