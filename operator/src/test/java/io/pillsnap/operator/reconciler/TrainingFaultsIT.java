package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ordinary cluster events during training, against Fabric8's CRUD mock API server: informers that
 * deliver a Job before its pod, pods that vanish, stages deleted and re-created, disruptions,
 * reruns, and many stages polling their trainers. Each test is one defect of issue 8.
 */
class TrainingFaultsIT {

    private MockCluster cluster;
    private FakeKubelet kubelet;
    private final List<HttpServer> trainers = new ArrayList<>();

    private void start(OperatorConfig config) {
        cluster = MockCluster.create().startOperator(config);
        kubelet = cluster.kubelet();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        trainers.forEach(t -> t.stop(0));
    }

    @Test
    void jobSeenCompleteBeforeItsPodReportsWaitsForTheResult() {
        Job job = trainingStage1();
        Pod pod = kubelet.pods(job).get(0);

        // the Job informer delivers Complete while the pod informer still shows it Running
        kubelet.completeJob(job);
        PillsnapStage waiting =
                cluster.awaitStage(
                        "stage1", s -> s.getStatus().message().contains("waiting for the result"));
        assertThat(waiting.getStatus().phase()).isEqualTo(StagePhase.Evaluating);
        assertThat(waiting.getStatus().condition(ConditionType.Trained).orElseThrow().getReason())
                .isEqualTo("AwaitingResult");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(2))
                .until(() -> cluster.get("stage1").getStatus().phase() == StagePhase.Evaluating);

        kubelet.terminatePod(
                pod, TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.61)));

        PillsnapStage promoted = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(promoted.getStatus().metrics().top1()).isEqualTo(0.61);
    }

    @Test
    void resultOfAPodThatVanishedIsReadFromTheRunFolder() {
        Job job = trainingStage1();
        Pod pod = kubelet.pods(job).get(0);

        // the node went away with the finished pod before the operator saw its status
        kubelet.completeJob(job);
        kubelet.deletePod(pod);

        Job reader = kubelet.awaitResultReader("stage1", 1);
        String runFolder = cluster.get("stage1").getStatus().run().artifactsPath();
        assertThat(reader.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .anySatisfy(arg -> assertThat(arg).contains(runFolder + "/result.json"));
        PillsnapStage reading = cluster.get("stage1");
        assertThat(reading.getStatus().phase()).isEqualTo(StagePhase.Evaluating);
        assertThat(reading.getStatus().message()).contains(runFolder + "/result.json");

        kubelet.succeed(
                reader,
                kubelet.startPod(reader),
                TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.58)));

        PillsnapStage promoted = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(promoted.getStatus().metrics().top1()).isEqualTo(0.58);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kubelet.findResultReader("stage1", 1) == null);
    }

    @Test
    void missingResultFileFailsTheRunNamingTheFile() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        Pod pod = kubelet.startPod(job);
        kubelet.completeJob(job);
        kubelet.deletePod(pod);

        Job reader = kubelet.awaitResultReader("stage1", 1);
        kubelet.fail(
                reader,
                kubelet.startPod(reader),
                2,
                "no such file: "
                        + reader.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getArgs()
                                .get(0));

        PillsnapStage failed = cluster.awaitStage("stage1", phase(StagePhase.Failed));
        assertThat(failed.getStatus().message())
                .contains("left no result")
                .contains(failed.getStatus().run().artifactsPath() + "/result.json");
    }

    @Test
    void readerThatCannotStartIsRetriedAndTheFinishedRunIsNotLost() {
        Job job = trainingStage1();
        Pod pod = kubelet.pods(job).get(0);
        kubelet.completeJob(job);
        kubelet.deletePod(pod);

        // the reader's image cannot be pulled; its deadline passes without it ever running
        Job reader = kubelet.awaitResultReader("stage1", 1);
        kubelet.podWaiting(reader, "ImagePullBackOff", "Back-off pulling image");
        kubelet.failBeforeStarting(
                reader, "DeadlineExceeded", "Job was active longer than specified deadline");

        PillsnapStage retrying =
                cluster.awaitStage(
                        "stage1",
                        s -> s.getStatus().message().contains("DeadlineExceeded"),
                        Duration.ofSeconds(10));
        assertThat(retrying.getStatus().phase()).isEqualTo(StagePhase.Evaluating);
        assertThat(retrying.getStatus().condition(ConditionType.Trained).orElseThrow())
                .satisfies(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("Unknown");
                            assertThat(c.getReason()).isEqualTo("ResultReaderFailed");
                            assertThat(c.getMessage())
                                    .contains("not the run's")
                                    .contains("reading it again");
                        });
        String firstReader = reader.getMetadata().getName();
        Job second =
                await().atMost(Duration.ofSeconds(20))
                        .until(
                                () -> kubelet.findResultReader("stage1", 1),
                                r -> r != null && !r.getMetadata().getName().equals(firstReader));
        assertThat(cluster.get("stage1").getStatus().phase()).isEqualTo(StagePhase.Evaluating);

        kubelet.succeed(
                second,
                kubelet.startPod(second),
                TestResults.succeeded(FakeKubelet.runId(job), Map.of(TOP1, 0.58)));

        PillsnapStage promoted = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(promoted.getStatus().metrics().top1()).isEqualTo(0.58);
    }

    @Test
    void resultOfAnotherRunIsIgnored() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        kubelet.succeed(
                job,
                kubelet.startPod(job),
                TestResults.succeeded("r1-00000000", Map.of(TOP1, 0.9)));

        PillsnapStage stage =
                cluster.awaitStage("stage1", s -> s.getStatus().message().contains("r1-00000000"));
        assertThat(stage.getStatus().phase()).isNotEqualTo(StagePhase.Promoted);
        assertThat(stage.getStatus().metrics()).isNull();
    }

    @Test
    void recreatedStageStartsItsOwnRunInsteadOfAdoptingTheOldOne() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job old = kubelet.awaitJob("stage1", 1, 1);
        kubelet.trainAndSucceed(old, Map.of(TOP1, 0.61));
        String oldRun =
                cluster.awaitStage("stage1", phase(StagePhase.Promoted)).getStatus().run().id();

        cluster.delete("stage1");
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.get("stage1") == null);
        // the garbage collector has not removed the old stage's Job and ConfigMap yet
        cluster.apply(TestStages.stage("stage1", 1).build());

        PillsnapStage queued =
                cluster.awaitStage(
                        "stage1",
                        s ->
                                s.getStatus().run() != null
                                        && !oldRun.equals(s.getStatus().run().id()));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> cluster.get("stage1").getStatus().phase() != StagePhase.Promoted);
        assertThat(queued.getStatus().metrics()).isNull();
        String uid = cluster.get("stage1").getMetadata().getUid();
        Job fresh =
                await().atMost(Duration.ofSeconds(20))
                        .until(
                                () ->
                                        kubelet.jobs("stage1").stream()
                                                .filter(j -> ownedBy(j, uid))
                                                .findFirst()
                                                .orElse(null),
                                java.util.Objects::nonNull);
        assertThat(FakeKubelet.runId(fresh)).isNotEqualTo(oldRun);

        kubelet.trainAndSucceed(fresh, Map.of(TOP1, 0.45));
        PillsnapStage promoted = cluster.awaitStage("stage1", phase(StagePhase.Promoted));
        assertThat(promoted.getStatus().metrics().top1()).isEqualTo(0.45);
    }

    @Test
    void everyTrainerStartOfARunResumesFromItsLastCheckpoint() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job first = kubelet.awaitJob("stage1", 1, 1);
        String checkpoint =
                "--resume-from=/artifacts/"
                        + cluster.awaitStage("stage1", s -> s.getStatus().run() != null)
                                .getStatus()
                                .run()
                                .artifactsPath()
                        + "/checkpoints/last";

        // a preempted pod is replaced by the Job controller from the same template
        assertThat(first.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains(checkpoint);
    }

    @Test
    void gateWithoutAnExportCheckIsInconclusive() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        kubelet.succeed(
                job,
                kubelet.startPod(job),
                TestResults.succeededWithoutExportCheck(FakeKubelet.runId(job), Map.of(TOP1, 0.9)));

        PillsnapStage stage = cluster.awaitStage("stage1", phase(StagePhase.Rejected));
        assertThat(stage.getStatus().gate().result()).isEqualTo(GateResult.Inconclusive);
        assertThat(stage.getStatus().gate().summary()).contains("ONNX export check");
    }

    @Test
    void rerunWhileWaitingStopsTheOldJob() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        cluster.apply(TestStages.stage("stage2", 2).after("stage1").build());
        Job one = kubelet.awaitJob("stage1", 1, 1);
        kubelet.trainAndSucceed(one, Map.of(TOP1, 0.6));
        Job two = kubelet.awaitJob("stage2", 1, 1);
        kubelet.startPod(two);
        cluster.awaitStage("stage2", phase(StagePhase.Training));

        // stage1 runs again (no longer Promoted), then stage2 is asked to run again too
        setRerunNonce("stage1", 1, null, "again");
        cluster.awaitStage("stage1", s -> s.getStatus().run().number() == 2);
        setRerunNonce("stage2", 2, "stage1", "again");

        PillsnapStage waiting = cluster.awaitStage("stage2", phase(StagePhase.Waiting));
        assertThat(waiting.getStatus().message()).contains("stage1");
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.findJob("stage2", 1, 1) == null);
    }

    @Test
    void finishedJobsGoOnceTheirOutcomeIsRecordedAndTheirRetentionHasPassed() {
        start(OperatorConfig.forTests().withFinishedJobRetention(Duration.ofSeconds(3)));
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job first = kubelet.awaitJob("stage1", 1, 1);
        kubelet.fail(first, kubelet.startPod(first), 1, TestResults.failed("CUDA error"));
        Job second = kubelet.awaitJob("stage1", 1, 2);
        kubelet.trainAndSucceed(second, Map.of(TOP1, 0.6));
        cluster.awaitStage("stage1", phase(StagePhase.Promoted));

        // kept a while for kubectl logs, then deleted without any other event to trigger it
        assertThat(kubelet.jobs("stage1")).hasSize(2);
        await().atMost(Duration.ofSeconds(15)).until(() -> kubelet.jobs("stage1").isEmpty());
        assertThat(cluster.get("stage1").getStatus().phase()).isEqualTo(StagePhase.Promoted);
        assertThat(cluster.get("stage1").getStatus().run().attempt()).isEqualTo(2);
    }

    @Test
    void oneStagesRunWakesNoUnrelatedStage() {
        start(OperatorConfig.forTests());
        int idle = 20;
        for (int i = 0; i < idle; i++) {
            String name = "idle" + i;
            cluster.apply(TestStages.stage(name, 1).build());
            Job job = kubelet.awaitJob(name, 1, 1);
            kubelet.trainAndSucceed(job, Map.of(TOP1, 0.6));
        }
        for (int i = 0; i < idle; i++) {
            cluster.awaitStage("idle" + i, phase(StagePhase.Promoted));
        }
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
        double before = reconciles();

        // every stage is on the default track with serving off: they share nothing
        setRerunNonce("idle0", 1, null, "again");
        Job rerun = kubelet.awaitJob("idle0", 2, 1);
        kubelet.trainAndSucceed(rerun, Map.of(TOP1, 0.7));
        cluster.awaitStage(
                "idle0", s -> s.getStatus().run().number() == 2 && s.getStatus().gate() != null);
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);

        double woken = reconciles() - before;
        assertThat(woken)
                .as("reconciles while one of %d idle stages ran again", idle)
                .isLessThan(idle);
    }

    private double reconciles() {
        return cluster.http("/metrics")
                .body()
                .lines()
                .filter(l -> l.startsWith("pillsnap_operator_reconciliations_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void trainingStagesPollTheirTrainersAtMostOncePerInterval() throws IOException {
        start(OperatorConfig.forTests().withProgressPollInterval(Duration.ofSeconds(30)));
        Map<String, AtomicInteger> polls = new ConcurrentHashMap<>();
        for (String name : List.of("stage-a", "stage-b", "stage-c")) {
            cluster.apply(TestStages.stage(name, 1).serving("shared", 600).build());
            AtomicInteger count = new AtomicInteger();
            polls.put(name, count);
            Job job = kubelet.awaitJob(name, 1, 1);
            kubelet.startPod(job, "127.0.0.1", trainer(name, count));
        }
        for (String name : polls.keySet()) {
            cluster.awaitStage(name, s -> s.getStatus().progress() != null);
        }

        // every answer differs (the trainer's clock moves), so every poll writes the status
        int before = polls.values().stream().mapToInt(AtomicInteger::get).sum();
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
        int during = polls.values().stream().mapToInt(AtomicInteger::get).sum() - before;

        assertThat(during)
                .as("requests to /progress in 6 s from 3 stages polling every 30 s")
                .isZero();
        polls.forEach(
                (name, count) ->
                        assertThat(count.get()).as("polls of " + name).isLessThanOrEqualTo(2));
    }

    @Test
    void trainersThatDoNotAnswerDelayNoOtherStagesResult() throws IOException {
        // one reconcile thread: a poll that waited on a trainer would hold every other stage
        start(OperatorConfig.forTests().toBuilder().reconcileThreads(1).build());
        for (String name : List.of("silent-a", "silent-b")) {
            cluster.apply(TestStages.stage(name, 1).build());
            Job job = kubelet.awaitJob(name, 1, 1);
            kubelet.startPod(job, "127.0.0.1", silentTrainer());
            cluster.awaitStage(name, phase(StagePhase.Training));
        }

        List<Duration> resultToGate = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String name = "quick" + i;
            cluster.apply(TestStages.stage(name, 1).build());
            Job job = kubelet.awaitJob(name, 1, 1);
            Instant completed = Instant.now();
            kubelet.trainAndSucceed(job, Map.of(TOP1, 0.6));
            cluster.awaitStage(name, phase(StagePhase.Promoted));
            resultToGate.add(Duration.between(completed, Instant.now()));
        }

        assertThat(resultToGate)
                .as("from a trainer's result to its stage's gate, two silent trainers polled")
                .allSatisfy(d -> assertThat(d).isLessThan(Duration.ofMillis(1500)));
    }

    /** stage1 applied, its first trainer Job running: the Job. */
    private Job trainingStage1() {
        start(OperatorConfig.forTests());
        cluster.apply(TestStages.stage("stage1", 1).build());
        Job job = kubelet.awaitJob("stage1", 1, 1);
        kubelet.startPod(job);
        cluster.awaitStage("stage1", phase(StagePhase.Training));
        return job;
    }

    /** A trainer that accepts /progress requests and never answers in time (a mesh, a hang). */
    private int silentTrainer() throws IOException {
        HttpServer trainer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        trainer.setExecutor(
                java.util.concurrent.Executors.newCachedThreadPool(
                        r -> {
                            Thread thread = new Thread(r, "silent-trainer");
                            thread.setDaemon(true);
                            return thread;
                        }));
        trainer.createContext(
                "/progress",
                exchange -> {
                    try {
                        Thread.sleep(20_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                });
        trainer.start();
        trainers.add(trainer);
        return trainer.getAddress().getPort();
    }

    private int trainer(String stage, AtomicInteger count) throws IOException {
        HttpServer trainer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        trainer.createContext(
                "/progress",
                exchange -> {
                    int n = count.incrementAndGet();
                    byte[] body =
                            ("{\"stage\":\""
                                            + stage
                                            + "\",\"epoch\":"
                                            + Math.min(n, 3)
                                            + ",\"epochs\":3,\"bestTop1\":0.3,\"etaSeconds\":100,"
                                            + "\"updated\":\""
                                            + Instant.now()
                                            + "\"}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        trainer.start();
        trainers.add(trainer);
        return trainer.getAddress().getPort();
    }

    private void setRerunNonce(String stage, int number, String after, String nonce) {
        cluster.client()
                .resources(PillsnapStage.class)
                .inNamespace(MockCluster.NAMESPACE)
                .withName(stage)
                .edit(
                        s -> {
                            var builder = TestStages.stage(stage, number).rerunNonce(nonce);
                            if (after != null) {
                                builder.after(after);
                            }
                            s.setSpec(builder.build().getSpec());
                            return s;
                        });
    }

    private static boolean ownedBy(Job job, String uid) {
        return job.getMetadata().getOwnerReferences() != null
                && job.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> uid.equals(o.getUid()));
    }

    private static Predicate<PillsnapStage> phase(StagePhase phase) {
        return stage -> stage.getStatus().phase() == phase;
    }
}
