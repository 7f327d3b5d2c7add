package io.pillsnap.bench;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.TestResults;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays every trainer Job the operator creates, as the Job controller, the kubelet and the trainer
 * would: starts its pod at 127.0.0.1 with a fake /progress server behind the progress port, and,
 * unless the stage is one that keeps training, ends it after the training time with a result. It
 * times each Job's end (its Complete condition written) to the gate decision in the stage's status.
 */
final class TrainerJobPlayer implements AutoCloseable {

    private static final String LOCALHOST = "127.0.0.1";
    private static final String PROGRESS =
            """
            {"stage":"%s","runId":"r1","phase":"training","epoch":4,"epochs":10,\
            "batch":20,"batches":125,"loss":1.83,"learningRate":0.0012,\
            "imagesPerSecond":250.0,"bestTop1":0.412,"etaSeconds":250,"updated":"%s"}""";

    /** A Job that ended and whose stage has no gate for its run yet. */
    private record PendingGate(String runId, int run, long jobEndNanos) {}

    private final KubernetesClient client;
    private final String namespace;
    private final FakeKubelet kubelet;
    private final Duration trainTime;
    private final ScheduledExecutorService actions = Executors.newScheduledThreadPool(4);
    private final Map<String, HttpServer> keepTraining = new HashMap<>();
    private final Map<String, List<Long>> progressRequests = new ConcurrentHashMap<>();
    private final AtomicInteger shortRunProgressRequests = new AtomicInteger();
    private final HttpServer shortRunTrainer;
    private final Set<String> seenJobs = ConcurrentHashMap.newKeySet();
    private final Map<String, PendingGate> pendingGates = new ConcurrentHashMap<>();
    private final List<Double> firstRunGateMillis = new CopyOnWriteArrayList<>();
    private final List<Double> rerunGateMillis = new CopyOnWriteArrayList<>();
    private final AtomicInteger retryJobs = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private SharedIndexInformer<Job> jobs;
    private SharedIndexInformer<PillsnapStage> stages;

    /**
     * @param keepTrainingStages stages whose first Job trains until the end, each with its own
     *     /progress server whose requests are counted
     * @param trainTime how long every other Job's pod runs before the Job completes
     */
    TrainerJobPlayer(
            KubernetesClient client,
            String namespace,
            Collection<String> keepTrainingStages,
            Duration trainTime)
            throws IOException {
        this.client = client;
        this.namespace = namespace;
        this.kubelet = new FakeKubelet(client, namespace);
        this.trainTime = trainTime;
        for (String stage : keepTrainingStages) {
            List<Long> requests = new CopyOnWriteArrayList<>();
            progressRequests.put(stage, requests);
            keepTraining.put(stage, progressServer(stage, () -> requests.add(System.nanoTime())));
        }
        this.shortRunTrainer =
                progressServer("short-run", shortRunProgressRequests::incrementAndGet);
    }

    void start() {
        stages =
                client.resources(PillsnapStage.class)
                        .inNamespace(namespace)
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(PillsnapStage stage) {
                                        recordGate(stage);
                                    }

                                    @Override
                                    public void onUpdate(PillsnapStage old, PillsnapStage stage) {
                                        recordGate(stage);
                                    }

                                    @Override
                                    public void onDelete(PillsnapStage stage, boolean unknown) {}
                                });
        jobs =
                client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(namespace)
                        .withLabel("pillsnap.io/role", "trainer")
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(Job job) {
                                        if (seenJobs.add(job.getMetadata().getUid())) {
                                            actions.execute(() -> play(job));
                                        }
                                    }

                                    @Override
                                    public void onUpdate(Job old, Job job) {}

                                    @Override
                                    public void onDelete(Job job, boolean unknown) {}
                                });
    }

    /** The stages as last seen by this player's informer. */
    List<PillsnapStage> stages() {
        return stages.getStore().list();
    }

    private void play(Job job) {
        try {
            Map<String, String> labels = job.getMetadata().getLabels();
            String stage = labels.get("pillsnap.io/stage");
            int run = Integer.parseInt(labels.get("pillsnap.io/run"));
            if (!"1".equals(labels.get("pillsnap.io/attempt"))) {
                retryJobs.incrementAndGet();
            }
            HttpServer trainer = keepTraining.get(stage);
            if (trainer != null && run == 1) {
                kubelet.startPod(job, LOCALHOST, trainer.getAddress().getPort());
                return;
            }
            Pod pod = kubelet.startPod(job, LOCALHOST, shortRunTrainer.getAddress().getPort());
            actions.schedule(
                    () -> succeed(job, pod, stage, run),
                    trainTime.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            fail("starting the pod of Job " + job.getMetadata().getName(), e);
        }
    }

    /** The trainer exits 0 with a passing result; then the Job controller marks it Complete. */
    private void succeed(Job job, Pod pod, String stage, int run) {
        try {
            String runId = FakeKubelet.runId(job);
            kubelet.terminatePod(pod, TestResults.succeeded(runId, Map.of(Metric.TOP1, 0.9)));
            pendingGates.put(stage, new PendingGate(runId, run, System.nanoTime()));
            kubelet.completeJob(job);
        } catch (RuntimeException e) {
            fail("completing Job " + job.getMetadata().getName(), e);
        }
    }

    private void recordGate(PillsnapStage stage) {
        String name = stage.getMetadata().getName();
        PendingGate pending = pendingGates.get(name);
        PillsnapStageStatus status = stage.getStatus();
        if (pending == null
                || status == null
                || status.gate() == null
                || status.run() == null
                || !pending.runId().equals(status.run().id())) {
            return;
        }
        if (pendingGates.remove(name, pending)) {
            double millis = (System.nanoTime() - pending.jobEndNanos()) / 1e6;
            (pending.run() == 1 ? firstRunGateMillis : rerunGateMillis).add(millis);
        }
    }

    private void fail(String what, RuntimeException e) {
        errors.incrementAndGet();
        System.err.println("bench: " + what + " failed: " + e);
    }

    /** Job end to gate in status, in milliseconds, for first runs (the setup). */
    List<Double> firstRunGateMillis() {
        return List.copyOf(firstRunGateMillis);
    }

    /** Job end to gate in status, in milliseconds, for reruns. */
    List<Double> rerunGateMillis() {
        return List.copyOf(rerunGateMillis);
    }

    /** Arrival times (System.nanoTime) of /progress requests of each stage that keeps training. */
    Map<String, List<Long>> progressRequests() {
        Map<String, List<Long>> copy = new HashMap<>();
        progressRequests.forEach((stage, times) -> copy.put(stage, new ArrayList<>(times)));
        return copy;
    }

    int shortRunProgressRequests() {
        return shortRunProgressRequests.get();
    }

    int jobsPlayed() {
        return seenJobs.size();
    }

    int retryJobs() {
        return retryJobs.get();
    }

    int errors() {
        return errors.get();
    }

    private static HttpServer progressServer(String stage, Runnable onRequest) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(LOCALHOST, 0), 0);
        server.createContext(
                "/progress",
                exchange -> {
                    onRequest.run();
                    byte[] body =
                            String.format(PROGRESS, stage, Instant.now())
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
        return server;
    }

    @Override
    public void close() {
        if (jobs != null) {
            jobs.close();
        }
        if (stages != null) {
            stages.close();
        }
        actions.shutdownNow();
        keepTraining.values().forEach(server -> server.stop(0));
        shortRunTrainer.stop(0);
    }
}
