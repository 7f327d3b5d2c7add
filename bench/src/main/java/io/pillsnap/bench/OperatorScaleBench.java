package io.pillsnap.bench;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.testing.TestStages;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Operator scale: the operator as deployed (its own JVM) against Fabric8's CRUD mock API server in
 * this JVM, with many stages of which some keep training, while promoted stages are rerun one every
 * few seconds. Prints reconciles per stage per minute, /progress requests per training stage per
 * poll interval, Job end to gate latency and the operator's heap after a GC. Measures and prints;
 * passes or fails nothing.
 */
@Command(
        name = "operator-scale-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Start Fabric8's CRUD mock API server and the operator jar against it, create the",
            "stages, end the first Job of all but --training of them (those keep training, each",
            "with a fake /progress), then rerun a promoted stage every --rerun-every-seconds for",
            "--minutes and print the operator's reconcile rate, /progress polls, Job end to gate",
            "latency and heap after a GC."
        })
public final class OperatorScaleBench implements Callable<Integer> {

    private static final String NAMESPACE = "pillsnap";

    /** Held so that its level stays: the mock server logs every request at INFO otherwise. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    @Option(
            names = "--stages",
            defaultValue = "1000",
            description = "PillsnapStages in the namespace (default: ${DEFAULT-VALUE})")
    int stageCount;

    @Option(
            names = "--training",
            defaultValue = "100",
            description = "Of them, stages that keep training (default: ${DEFAULT-VALUE})")
    int trainingCount;

    @Option(
            names = "--minutes",
            defaultValue = "10",
            description = "Steady state after the setup (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(
            names = "--poll-seconds",
            defaultValue = "30",
            description =
                    "PILLSNAP_PROGRESS_POLL_SECONDS of the operator (default: ${DEFAULT-VALUE})")
    int pollSeconds;

    @Option(
            names = "--rerun-every-seconds",
            defaultValue = "5",
            description =
                    "In the steady state, change spec.rerunNonce of a promoted stage this often"
                            + " (default: ${DEFAULT-VALUE})")
    double rerunEverySeconds;

    @Option(
            names = "--train-seconds",
            defaultValue = "5",
            description =
                    "How long a trainer pod runs before its Job completes, but for the stages that"
                            + " keep training (default: ${DEFAULT-VALUE})")
    double trainSeconds;

    @Option(
            names = "--track-per-stage",
            description =
                    "Give every stage its own spec.serving.track (serving stays disabled); by"
                            + " default all share the default track, as TestStages builds them")
    boolean trackPerStage;

    @Option(
            names = "--xmx",
            defaultValue = "512m",
            description = "The operator JVM's -Xmx (default: ${DEFAULT-VALUE}, the chart's limit)")
    String maxHeap;

    @Option(
            names = "--setup-timeout-minutes",
            defaultValue = "30",
            description =
                    "Give up when the setup has not settled by then (default: ${DEFAULT-VALUE})")
    double setupTimeoutMinutes;

    @Option(
            names = "--drain-seconds",
            defaultValue = "120",
            description =
                    "After the steady state, wait this long for reruns still in flight to reach a"
                            + " gate (default: ${DEFAULT-VALUE})")
    int drainSeconds;

    @Option(
            names = "--operator-jar",
            paramLabel = "JAR",
            description = "The operator (default: operator/target/pillsnap-operator.jar)")
    Path operatorJar;

    @Option(
            names = "--operator-log",
            paramLabel = "FILE",
            description = "The operator's output (default: bench/target/operator-scale.log)")
    Path operatorLog;

    private final Random random = new Random(42);
    private final Map<String, String> rerunNonces = new ConcurrentHashMap<>();
    private final AtomicInteger nonces = new AtomicInteger();
    private final AtomicInteger rerunsStarted = new AtomicInteger();
    private KubernetesClient client;
    private TrainerJobPlayer player;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OperatorScaleBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (trainingCount > stageCount) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--training must not exceed --stages");
        }
        Path root = RepoFiles.root();
        Path jar =
                Objects.requireNonNullElse(
                        operatorJar, root.resolve("operator/target/pillsnap-operator.jar"));
        Path log =
                Objects.requireNonNullElse(
                        operatorLog, root.resolve("bench/target/operator-scale.log"));
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < stageCount; i++) {
            names.add(String.format(Locale.ROOT, "s%04d", i));
        }
        Set<String> training = new LinkedHashSet<>();
        int stride = Math.max(1, stageCount / Math.max(1, trainingCount));
        for (int i = 0; i < trainingCount; i++) {
            training.add(names.get(i * stride));
        }

        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server =
                new KubernetesMockServer(
                        new Context(Serialization.jsonMapper()),
                        new MockWebServer(),
                        responses,
                        new KubernetesMixedDispatcher(responses),
                        false);
        server.init();
        client = server.createClient();
        installCrd();
        player =
                new TrainerJobPlayer(
                        client,
                        NAMESPACE,
                        training,
                        Duration.ofMillis((long) (trainSeconds * 1000)));
        player.start();

        List<String> report = new ArrayList<>();
        report.add(machine());
        report.add(
                String.format(
                        Locale.ROOT,
                        "options: --stages %d --training %d --minutes %s --poll-seconds %d"
                                + " --rerun-every-seconds %s --train-seconds %s --xmx %s%s",
                        stageCount,
                        trainingCount,
                        minutes,
                        pollSeconds,
                        rerunEverySeconds,
                        trainSeconds,
                        maxHeap,
                        trackPerStage ? " --track-per-stage" : ""));
        try (OperatorProcess operator =
                OperatorProcess.start(jar, maxHeap, operatorEnvironment(server.getPort()), log)) {
            operator.awaitReady(Duration.ofMinutes(2));
            System.err.printf(
                    "operator pid %d ready; mock API server on port %d; log %s%n",
                    operator.pid(), server.getPort(), log);
            if (!setUp(operator, names, training, report)) {
                finish(operator, log, report);
                return 1;
            }
            steadyState(operator, training, report);
            finish(operator, log, report);
        } finally {
            player.close();
            client.close();
            server.destroy();
        }
        return 0;
    }

    /** Creates the stages and waits until the first runs have ended but for the training ones. */
    private boolean setUp(
            OperatorProcess operator, List<String> names, Set<String> training, List<String> report)
            throws InterruptedException {
        Usage before = Usage.of(operator.metrics());
        long start = System.nanoTime();
        for (String name : names) {
            client.resource(stage(name, null)).inNamespace(NAMESPACE).create();
        }
        double createdSeconds = seconds(start);
        int promotedTarget = names.size() - training.size();
        long deadline = start + (long) (setupTimeoutMinutes * 60e9);
        long nextProgress = System.nanoTime();
        while (true) {
            int gated = player.firstRunGateMillis().size();
            long trainingNow =
                    player.stages().stream()
                            .filter(s -> training.contains(s.getMetadata().getName()))
                            .filter(s -> phase(s) == StagePhase.Training)
                            .count();
            boolean settled = gated >= promotedTarget && trainingNow == training.size();
            if (settled || System.nanoTime() > deadline) {
                report.add(
                        String.format(
                                Locale.ROOT,
                                "setup: %d stages created in %.1f s; %d of %d first runs gated"
                                        + " and %d of %d stages training after %.1f s%s",
                                names.size(),
                                createdSeconds,
                                gated,
                                promotedTarget,
                                trainingNow,
                                training.size(),
                                seconds(start),
                                settled ? "" : " (setup timeout: the operator did not keep up)"));
                report.add("    " + Usage.of(operator.metrics()).since(before));
                report.add(
                        latencyLine(
                                "setup, first runs: Job Complete -> gate in status",
                                player.firstRunGateMillis(),
                                promotedTarget));
                return settled;
            }
            if (System.nanoTime() >= nextProgress) {
                System.err.printf(
                        Locale.ROOT,
                        "setup %.0f s: %d/%d first runs gated, %d/%d training%n",
                        seconds(start),
                        gated,
                        promotedTarget,
                        trainingNow,
                        training.size());
                nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            }
            Thread.sleep(500);
        }
    }

    private void steadyState(OperatorProcess operator, Set<String> training, List<String> report)
            throws Exception {
        ScheduledExecutorService reruns = Executors.newSingleThreadScheduledExecutor();
        Map<String, Double> before = operator.metrics();
        Usage usageBefore = Usage.of(before);
        long start = System.nanoTime();
        reruns.scheduleAtFixedRate(
                () -> rerunOne(training),
                0,
                (long) (rerunEverySeconds * 1000),
                TimeUnit.MILLISECONDS);
        long end = start + (long) (minutes * 60e9);
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(60_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            double reconciles =
                    OperatorProcess.sum(
                                    operator.metrics(), "pillsnap_operator_reconciliations_total")
                            - OperatorProcess.sum(
                                    before, "pillsnap_operator_reconciliations_total");
            System.err.printf(
                    Locale.ROOT,
                    "steady %.1f/%s min: %d reruns started, %d gated; %.1f reconciles/s%n",
                    seconds(start) / 60,
                    minutes,
                    rerunsStarted.get(),
                    player.rerunGateMillis().size(),
                    reconciles / seconds(start));
        }
        reruns.shutdown(); // lets a rerun being written finish
        reruns.awaitTermination(60, TimeUnit.SECONDS);
        long stop = System.nanoTime();
        Map<String, Double> after = operator.metrics();
        Usage usageAfter = Usage.of(after);
        double steadySeconds = (stop - start) / 1e9;

        report.add(
                String.format(
                        Locale.ROOT,
                        "steady state: %.1f min; %d reruns started (one every %s s, trainer %s s)",
                        steadySeconds / 60,
                        rerunsStarted.get(),
                        rerunEverySeconds,
                        trainSeconds));
        report.add(reconcileLine(before, after, steadySeconds));
        report.add("    " + usageAfter.since(usageBefore));
        report.add(
                String.format(
                        Locale.ROOT,
                        "    operator JVM: allocates %.0f MiB/s (jvm_memory_pool_allocated_bytes"
                                + "_total, Eden), GC %.1f%% of the time",
                        (OperatorProcess.sum(after, "jvm_memory_pool_allocated_bytes_total", "Eden")
                                        - OperatorProcess.sum(
                                                before,
                                                "jvm_memory_pool_allocated_bytes_total",
                                                "Eden"))
                                / (1024 * 1024)
                                / steadySeconds,
                        100
                                * (OperatorProcess.sum(after, "jvm_gc_collection_seconds_sum")
                                        - OperatorProcess.sum(
                                                before, "jvm_gc_collection_seconds_sum"))
                                / steadySeconds));
        report.add(progressLine(player.progressRequests(), start, stop));

        long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
        while (player.rerunGateMillis().size() < rerunsStarted.get()
                && System.nanoTime() < drainEnd) {
            Thread.sleep(500);
        }
        report.add(
                latencyLine(
                        "(c) reruns: Job Complete -> gate in status",
                        player.rerunGateMillis(),
                        rerunsStarted.get()));
    }

    /** A user changes spec.rerunNonce of a promoted stage that is not being rerun already. */
    private void rerunOne(Set<String> training) {
        try {
            List<PillsnapStage> idle =
                    player.stages().stream()
                            .filter(s -> !training.contains(s.getMetadata().getName()))
                            .filter(s -> phase(s) == StagePhase.Promoted)
                            .filter(this::settledOnLastNonce)
                            .toList();
            if (idle.isEmpty()) {
                System.err.println("bench: no promoted stage idle to rerun");
                return;
            }
            String name = idle.get(random.nextInt(idle.size())).getMetadata().getName();
            String nonce = "n" + nonces.incrementAndGet();
            rerunNonces.put(name, nonce);
            client.resources(PillsnapStage.class)
                    .inNamespace(NAMESPACE)
                    .withName(name)
                    .edit(
                            s -> {
                                s.setSpec(stage(name, nonce).getSpec());
                                return s;
                            });
            rerunsStarted.incrementAndGet();
        } catch (RuntimeException e) {
            System.err.println("bench: rerun failed: " + e);
        }
    }

    private PillsnapStage stage(String name, String rerunNonce) {
        TestStages.Builder stage =
                TestStages.stage(name, 1).namespace(NAMESPACE).rerunNonce(rerunNonce);
        if (trackPerStage) {
            stage.serving(name, 600).servingDisabled();
        }
        return stage.build();
    }

    /** The stage's spec and status are both of the last nonce this bench set, if any. */
    private boolean settledOnLastNonce(PillsnapStage stage) {
        String nonce = rerunNonces.get(stage.getMetadata().getName());
        return Objects.equals(stage.getSpec().rerunNonce(), nonce)
                && stage.getStatus().run() != null
                && Objects.equals(stage.getStatus().run().nonce(), nonce);
    }

    private void finish(OperatorProcess operator, Path log, List<String> report) throws Exception {
        if (operator.isAlive()) {
            Map<String, Double> beforeGc = operator.metrics();
            operator.collectGarbage();
            Map<String, Double> afterGc = operator.metrics();
            report.add(
                    String.format(
                            Locale.ROOT,
                            "(d) operator heap after a full GC (jcmd %d GC.run): %.1f MiB as the"
                                    + " JVM reports it for that GC (jvm_memory_pool_collection"
                                    + "_used_bytes, summed over the heap pools), %.1f MiB used"
                                    + " when read right after (jvm_memory_used_bytes{area=\"heap\"}),"
                                    + " %.1f MiB used before it; -Xmx%s",
                            operator.pid(),
                            OperatorProcess.sum(afterGc, "jvm_memory_pool_collection_used_bytes")
                                    / (1024 * 1024),
                            heap(afterGc, "jvm_memory_used_bytes"),
                            heap(beforeGc, "jvm_memory_used_bytes"),
                            maxHeap));
        } else {
            report.add("(d) the operator is not running any more: see its log");
        }
        report.add(
                String.format(
                        Locale.ROOT,
                        "objects: %d stages, %d Jobs (%d played, %d retries), %d pods, %d"
                                + " ConfigMaps, %d Events; bench errors %d",
                        client.resources(PillsnapStage.class)
                                .inNamespace(NAMESPACE)
                                .list()
                                .getItems()
                                .size(),
                        client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().size(),
                        player.jobsPlayed(),
                        player.retryJobs(),
                        client.pods().inNamespace(NAMESPACE).list().getItems().size(),
                        client.configMaps().inNamespace(NAMESPACE).list().getItems().size(),
                        client.v1().events().inNamespace(NAMESPACE).list().getItems().size(),
                        player.errors()));
        operator.close();
        List<String> warnings = OperatorProcess.warningsAndErrors(log);
        report.add(
                String.format(
                        Locale.ROOT,
                        "operator log %s: %d WARN, %d ERROR lines%s",
                        log,
                        warnings.stream().filter(l -> l.contains(" WARN ")).count(),
                        warnings.stream().filter(l -> l.contains(" ERROR ")).count(),
                        warnings.isEmpty() ? "" : "; first: " + warnings.get(0)));
        System.out.println();
        report.forEach(System.out::println);
    }

    private String reconcileLine(
            Map<String, Double> before, Map<String, Double> after, double seconds) {
        String total = "pillsnap_operator_reconciliations_total";
        String durationSum = "pillsnap_operator_reconcile_duration_seconds_sum";
        String durationCount = "pillsnap_operator_reconcile_duration_seconds_count";
        double reconciles = OperatorProcess.sum(after, total) - OperatorProcess.sum(before, total);
        double failures =
                OperatorProcess.sum(after, total, "result=\"failure\"")
                        - OperatorProcess.sum(before, total, "result=\"failure\"");
        double timed =
                OperatorProcess.sum(after, durationCount)
                        - OperatorProcess.sum(before, durationCount);
        double timeSum =
                OperatorProcess.sum(after, durationSum) - OperatorProcess.sum(before, durationSum);
        return String.format(
                Locale.ROOT,
                "(a) reconciles per stage per minute: %.2f (%.0f reconciles in %.1f min, %.1f/s,"
                        + " %.0f failed; mean reconcile %.1f ms)",
                reconciles / stageCount / (seconds / 60),
                reconciles,
                seconds / 60,
                reconciles / seconds,
                failures,
                timed == 0 ? Double.NaN : 1000 * timeSum / timed);
    }

    /**
     * A stage's requests per poll interval are the interval over the mean gap between its requests
     * in the window: 1.0 when it is polled exactly once per interval, more when it is polled more
     * often, whatever the window's length.
     */
    private String progressLine(Map<String, List<Long>> requests, long start, long stop) {
        double max = 0;
        double sum = 0;
        int rated = 0;
        double shortestGap = Double.POSITIVE_INFINITY;
        int shortGaps = 0;
        int silent = 0;
        for (List<Long> times : requests.values()) {
            List<Long> inWindow = times.stream().filter(t -> t >= start && t < stop).toList();
            if (inWindow.size() < 2) {
                silent++;
                continue;
            }
            double span = (inWindow.get(inWindow.size() - 1) - inWindow.get(0)) / 1e9;
            double perInterval = (inWindow.size() - 1) / (span / pollSeconds);
            max = Math.max(max, perInterval);
            sum += perInterval;
            rated++;
            for (int i = 1; i < inWindow.size(); i++) {
                double gap = (inWindow.get(i) - inWindow.get(i - 1)) / 1e9;
                shortestGap = Math.min(shortestGap, gap);
                shortGaps += gap < 0.95 * pollSeconds ? 1 : 0;
            }
        }
        return String.format(
                Locale.ROOT,
                "(b) /progress requests per training stage per %d s poll interval (interval / mean"
                        + " gap): max %.3f, mean %.3f over %d stages; shortest gap between two"
                        + " requests of one stage %.2f s, %d gaps under 95%% of the interval, %d"
                        + " stages polled less than twice; the other trainers were polled %d"
                        + " times in %d runs",
                pollSeconds,
                max,
                rated == 0 ? Double.NaN : sum / rated,
                rated,
                shortestGap,
                shortGaps,
                silent,
                player.shortRunProgressRequests(),
                player.jobsPlayed() - requests.size());
    }

    private static String latencyLine(String what, List<Double> millis, int expected) {
        LatencySummary l =
                LatencySummary.of(millis.stream().mapToDouble(Double::doubleValue).toArray(), 1);
        return String.format(
                Locale.ROOT,
                "%s: %d of %d, p50 %.0f ms, p99 %.0f ms, max %.0f ms",
                what,
                l.count(),
                expected,
                l.p50Ms(),
                l.p99Ms(),
                millis.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    private Map<String, String> operatorEnvironment(int apiServerPort) {
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_MASTER", "http://127.0.0.1:" + apiServerPort);
        env.put("KUBERNETES_TRUST_CERTIFICATES", "true");
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
        env.put("WATCH_NAMESPACES", NAMESPACE);
        env.put("PILLSNAP_SERVER_SIDE_APPLY", "false");
        env.put("PILLSNAP_PROGRESS_POLL_SECONDS", Integer.toString(pollSeconds));
        return env;
    }

    private void installCrd() {
        CustomResourceDefinition crd =
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(RepoFiles.committedCrd().toFile())
                        .item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    private static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return String.format(
                Locale.ROOT,
                "machine: %d cores, %s %s, %s %s; load average %.2f at start",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"),
                System.getProperty("os.name"),
                System.getProperty("os.arch"),
                os.getSystemLoadAverage());
    }

    /**
     * CPU seconds used so far by the operator's JVM, by the mock API server's event loop (the one
     * thread that serves every request) and by the rest of this JVM (informers, fake kubelet and
     * trainers).
     */
    private record Usage(long nanos, double operator, double apiServer, double bench) {

        static Usage of(Map<String, Double> operatorMetrics) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double apiServer =
                    Thread.getAllStackTraces().keySet().stream()
                                    .filter(t -> t.getName().startsWith("vert.x-eventloop"))
                                    .mapToLong(t -> threads.getThreadCpuTime(t.getId()))
                                    .filter(nanos -> nanos > 0)
                                    .sum()
                            / 1e9;
            double process =
                    ManagementFactory.getOperatingSystemMXBean()
                                    instanceof com.sun.management.OperatingSystemMXBean os
                            ? os.getProcessCpuTime() / 1e9
                            : Double.NaN;
            return new Usage(
                    System.nanoTime(),
                    OperatorProcess.sum(operatorMetrics, "process_cpu_seconds_total"),
                    apiServer,
                    process - apiServer);
        }

        String since(Usage from) {
            double seconds = (nanos - from.nanos) / 1e9;
            return String.format(
                    Locale.ROOT,
                    "CPU, in %% of one core: operator %.0f, mock API server event loop %.0f, rest"
                            + " of the bench JVM %.0f (%d cores, load average %.2f at the end)",
                    100 * (operator - from.operator) / seconds,
                    100 * (apiServer - from.apiServer) / seconds,
                    100 * (bench - from.bench) / seconds,
                    Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static double heap(Map<String, Double> metrics, String name) {
        return OperatorProcess.sum(metrics, name, "area=\"heap\"") / (1024 * 1024);
    }

    private static StagePhase phase(PillsnapStage stage) {
        return stage.getStatus() == null ? null : stage.getStatus().phase();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
