package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.TrainerLabels;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * 20 stages in chains of 4 while the operator is stopped and started at random points (seeded) and
 * a fake kubelet completes, fails, evicts and preempts trainer pods, reports results late or loses
 * the pods that carried them. At the end every stage is in the phase its script dictates, no Job
 * was created twice, no result was lost, and no stage's status ever went backwards.
 */
class OperatorChaosIT {

    private static final long SEED = 20261202L;
    private static final int CHAINS = 5;
    private static final int DEPTH = 4;
    private static final int MIN_RESTARTS = 30;
    private static final double THRESHOLD = 0.4;

    private MockCluster cluster;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Watch> watches = new ArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** What the fake kubelet does with a trainer pod of a stage, in order. */
    enum Step {
        /** The trainer succeeds and reports with its pod's exit. */
        SUCCEED,
        /** The Job is seen Complete before the pod's exit. */
        SUCCEED_JOB_FIRST,
        /** The Job completes and the pod is gone before the operator saw it. */
        SUCCEED_POD_VANISHES,
        /** The trainer crashes (exit 1): charged to the retry budget. */
        FAIL,
        /** The pod is evicted; the Job replaces it (pod failure policy). */
        EVICT,
        /** The pod is preempted and the Job fails: a new attempt, not charged. */
        PREEMPT_FAILING_THE_JOB,
        /** Exit code 3: the stage fails at once. */
        INVALID_DATA
    }

    /** A stage's fate: its steps, retry budget and, when it succeeds, its top-1. */
    record Script(String stage, String after, int maxRetries, List<Step> steps, double top1) {

        /** The phase the stage must end in when its predecessor is Promoted. */
        StagePhase expected() {
            int charged = 0;
            for (Step step : steps) {
                switch (step) {
                    case FAIL -> {
                        if (++charged > maxRetries) {
                            return StagePhase.Failed;
                        }
                    }
                    case INVALID_DATA -> {
                        return StagePhase.Failed;
                    }
                    case SUCCEED, SUCCEED_JOB_FIRST, SUCCEED_POD_VANISHES -> {
                        return top1 >= THRESHOLD ? StagePhase.Promoted : StagePhase.Rejected;
                    }
                    default -> {}
                }
            }
            throw new IllegalStateException("script of " + stage + " never ends");
        }
    }

    @AfterEach
    void stop() {
        running.set(false);
        watches.forEach(Watch::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyStageEndsAsItsScriptDictatesThroughOperatorRestarts() throws Exception {
        Random random = new Random(SEED);
        Map<String, Script> scripts = scripts(random);
        OperatorConfig config =
                OperatorConfig.forTests().withFinishedJobRetention(Duration.ofSeconds(2));
        cluster = MockCluster.create().startOperator(config);
        Map<String, AtomicInteger> jobsAdded = watchJobCreations();
        watchStatusOrder();
        for (Script script : scripts.values()) {
            var stage =
                    TestStages.stage(script.stage(), script.after() == null ? 1 : 2)
                            .maxRetries(script.maxRetries())
                            .criterion(TOP1, THRESHOLD);
            if (script.after() != null) {
                stage.after(script.after()).initFrom(script.after());
            }
            cluster.apply(stage.build());
        }
        Kubelet kubelet = new Kubelet(cluster.kubelet(), scripts, new Random(SEED + 1));
        Thread kubeletThread = new Thread(kubelet, "fake-kubelet");
        AtomicInteger restarts = new AtomicInteger();
        Thread chaos =
                new Thread(() -> restartAtRandom(config, new Random(SEED + 2), restarts), "chaos");
        kubeletThread.start();
        chaos.start();

        Map<String, StagePhase> expected = expectedPhases(scripts);
        await().atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> restarts.get() >= MIN_RESTARTS && settled(expected));
        running.set(false);
        chaos.join();
        kubeletThread.join();
        // the last operator sees the final state once more
        cluster.stopOperator();
        cluster.startOperator(config);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(30))
                .until(() -> settled(expected));

        System.out.printf(
                "chaos: %d operator restarts, %d Jobs created (%d result readers), %d results"
                        + " reported; expected phases %s%n",
                restarts.get(),
                jobsAdded.size(),
                jobsAdded.keySet().stream().filter(j -> j.endsWith("-result")).count(),
                kubelet.results.size(),
                new java.util.TreeMap<>(
                        expected.values().stream()
                                .collect(
                                        java.util.stream.Collectors.groupingBy(
                                                StagePhase::name,
                                                java.util.stream.Collectors.counting()))));
        assertThat(restarts.get()).isGreaterThanOrEqualTo(MIN_RESTARTS);
        for (Script script : scripts.values()) {
            PillsnapStage stage = cluster.get(script.stage());
            StagePhase phase = stage.getStatus().phase();
            assertThat(phase)
                    .as(script.stage() + " " + script)
                    .isEqualTo(expected.get(script.stage()));
            if (phase == StagePhase.Promoted || phase == StagePhase.Rejected) {
                assertThat(stage.getStatus().metrics().top1())
                        .as("result of " + script.stage())
                        .isEqualTo(script.top1());
            }
            if (phase == StagePhase.Waiting) {
                assertThat(jobsAdded.keySet())
                        .noneMatch(job -> job.startsWith(script.stage() + "-"));
            }
        }
        assertThat(jobsAdded)
                .as("Jobs created more than once")
                .allSatisfy((job, added) -> assertThat(added.get()).as(job).isEqualTo(1));
        assertThat(violations).as("status went backwards, or a trainer did not resume").isEmpty();
        assertThat(kubelet.results).as("results the trainers reported").isNotEmpty();
    }

    /** Chains c1..c5, each s1 -> s2 -> s3 -> s4; each stage with a seeded fate. */
    private static Map<String, Script> scripts(Random random) {
        Map<String, Script> scripts = new LinkedHashMap<>();
        for (int chain = 1; chain <= CHAINS; chain++) {
            String previous = null;
            for (int depth = 1; depth <= DEPTH; depth++) {
                String name = "c" + chain + "-s" + depth;
                List<Step> steps = new ArrayList<>();
                int troubles = random.nextInt(4);
                for (int i = 0; i < troubles; i++) {
                    steps.add(
                            List.of(Step.FAIL, Step.EVICT, Step.PREEMPT_FAILING_THE_JOB)
                                    .get(random.nextInt(3)));
                }
                int end = random.nextInt(20);
                steps.add(
                        end == 0
                                ? Step.INVALID_DATA
                                : List.of(
                                                Step.SUCCEED,
                                                Step.SUCCEED_JOB_FIRST,
                                                Step.SUCCEED_POD_VANISHES)
                                        .get(end % 3));
                double top1 = random.nextInt(10) == 0 ? 0.31 : 0.5 + depth / 100.0;
                scripts.put(name, new Script(name, previous, 1 + random.nextInt(2), steps, top1));
                previous = name;
            }
        }
        return scripts;
    }

    private static Map<String, StagePhase> expectedPhases(Map<String, Script> scripts) {
        Map<String, StagePhase> expected = new HashMap<>();
        for (Script script : scripts.values()) {
            boolean unblocked =
                    script.after() == null || expected.get(script.after()) == StagePhase.Promoted;
            expected.put(script.stage(), unblocked ? script.expected() : StagePhase.Waiting);
        }
        return expected;
    }

    private boolean settled(Map<String, StagePhase> expected) {
        return expected.entrySet().stream()
                .allMatch(
                        e -> {
                            PillsnapStage stage = cluster.get(e.getKey());
                            return stage != null
                                    && stage.getStatus() != null
                                    && stage.getStatus().phase() == e.getValue();
                        });
    }

    private void restartAtRandom(OperatorConfig config, Random random, AtomicInteger restarts) {
        while (running.get()) {
            sleep(300 + random.nextInt(900));
            if (!running.get()) {
                return;
            }
            cluster.stopOperator();
            sleep(random.nextInt(400));
            cluster.startOperator(config);
            restarts.incrementAndGet();
        }
    }

    /** How many times each Job name was created. */
    private Map<String, AtomicInteger> watchJobCreations() {
        Map<String, AtomicInteger> added = new ConcurrentHashMap<>();
        watches.add(
                cluster.client()
                        .batch()
                        .v1()
                        .jobs()
                        .inNamespace(MockCluster.NAMESPACE)
                        .watch(
                                watcher(
                                        (action, job) -> {
                                            if (action == Watcher.Action.ADDED) {
                                                added.computeIfAbsent(
                                                                job.getMetadata().getName(),
                                                                n -> new AtomicInteger())
                                                        .incrementAndGet();
                                            }
                                        })));
        return added;
    }

    /** Records a violation when a stage's (run, attempt, phase) ever decreases. */
    private void watchStatusOrder() {
        Map<String, int[]> last = new ConcurrentHashMap<>();
        watches.add(
                cluster.client()
                        .resources(PillsnapStage.class)
                        .inNamespace(MockCluster.NAMESPACE)
                        .watch(
                                watcher(
                                        (action, stage) -> {
                                            PillsnapStageStatus status = stage.getStatus();
                                            if (status == null || status.phase() == null) {
                                                return;
                                            }
                                            int[] now = order(status);
                                            int[] before =
                                                    last.put(stage.getMetadata().getName(), now);
                                            if (before != null && compare(now, before) < 0) {
                                                violations.add(
                                                        stage.getMetadata().getName()
                                                                + " went from "
                                                                + describe(before)
                                                                + " to "
                                                                + describe(now));
                                            }
                                        })));
    }

    private static int[] order(PillsnapStageStatus status) {
        int run = status.run() == null ? 0 : status.run().number();
        int attempt =
                status.run() == null || status.run().attempt() == null ? 0 : status.run().attempt();
        int rank =
                switch (status.phase()) {
                    case Waiting -> 0;
                    case Queued -> 1;
                    case Training -> 2;
                    case Evaluating -> 3;
                    case Promoted, Rejected, Failed -> 4;
                };
        return new int[] {run, attempt, rank};
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static String describe(int[] order) {
        return "run " + order[0] + " attempt " + order[1] + " phase rank " + order[2];
    }

    private <T> Watcher<T> watcher(java.util.function.BiConsumer<Watcher.Action, T> onEvent) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T resource) {
                onEvent.accept(action, resource);
            }

            @Override
            public void onClose(WatcherException cause) {
                if (running.get()) {
                    violations.add("a test watch closed early: " + cause.getMessage());
                }
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Plays the Job controller and kubelets: starts a pod for each new Job, then after a random
     * time applies the stage's next step; answers result readers with the result the trainer wrote
     * to its run folder. Works on while the operator is down, as a cluster does.
     */
    private final class Kubelet implements Runnable {

        private final FakeKubelet kubelet;
        private final Map<String, Deque<Step>> steps = new HashMap<>();
        private final Map<String, Script> scripts;
        private final Random random;
        private final Map<String, Handling> jobs = new HashMap<>();

        /** result.json of each run a trainer finished, by run id. */
        final Map<String, String> results = new ConcurrentHashMap<>();

        private Kubelet(FakeKubelet kubelet, Map<String, Script> scripts, Random random) {
            this.kubelet = kubelet;
            this.scripts = scripts;
            this.random = random;
            scripts.forEach((name, script) -> steps.put(name, new ArrayDeque<>(script.steps())));
        }

        /** Where the kubelet is with one Job. */
        private final class Handling {
            final Job job;
            Pod pod;
            long nextAt;
            boolean done;

            Handling(Job job) {
                this.job = job;
                this.nextAt = System.currentTimeMillis() + 100 + random.nextInt(300);
            }
        }

        @Override
        public void run() {
            long lastCollection = 0;
            while (running.get()) {
                try {
                    for (Job job :
                            cluster.client()
                                    .batch()
                                    .v1()
                                    .jobs()
                                    .inNamespace(MockCluster.NAMESPACE)
                                    .list()
                                    .getItems()) {
                        Handling handling =
                                jobs.computeIfAbsent(job.getMetadata().getUid(), uid -> seen(job));
                        if (!handling.done && System.currentTimeMillis() >= handling.nextAt) {
                            advance(handling);
                        }
                    }
                    if (System.currentTimeMillis() - lastCollection > 1000) {
                        cluster.collectGarbage();
                        lastCollection = System.currentTimeMillis();
                    }
                } catch (RuntimeException e) {
                    // a Job deleted under our feet: its handling simply ends
                }
                sleep(50);
            }
        }

        private Handling seen(Job job) {
            if (!TrainerLabels.isResultReader(job)) {
                List<String> args =
                        job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
                if (args.stream().noneMatch(a -> a.startsWith("--resume-from="))) {
                    violations.add("Job " + job.getMetadata().getName() + " does not resume");
                }
            }
            return new Handling(job);
        }

        private void advance(Handling h) {
            if (h.pod == null) {
                h.pod = kubelet.startPod(h.job);
                h.nextAt = System.currentTimeMillis() + 300 + random.nextInt(1200);
                return;
            }
            String runId = FakeKubelet.runId(h.job);
            if (TrainerLabels.isResultReader(h.job)) {
                String result = results.get(runId);
                if (result == null) {
                    kubelet.fail(h.job, h.pod, 2, "no such file: result.json");
                } else {
                    kubelet.succeed(h.job, h.pod, result);
                }
                h.done = true;
                return;
            }
            String stage = h.job.getMetadata().getLabels().get("pillsnap.io/stage");
            Step step = steps.get(stage).poll();
            if (step == null) {
                violations.add(
                        "a Job beyond the script of "
                                + stage
                                + ": "
                                + h.job.getMetadata().getName());
                h.done = true;
                return;
            }
            String result = TestResults.succeeded(runId, Map.of(TOP1, scripts.get(stage).top1()));
            switch (step) {
                case SUCCEED -> {
                    results.put(runId, result);
                    kubelet.succeed(h.job, h.pod, result);
                }
                case SUCCEED_JOB_FIRST -> {
                    results.put(runId, result);
                    kubelet.completeJob(h.job);
                    sleep(200 + random.nextInt(600));
                    kubelet.terminatePod(h.pod, result);
                }
                case SUCCEED_POD_VANISHES -> {
                    results.put(runId, result);
                    kubelet.completeJob(h.job);
                    kubelet.deletePod(h.pod);
                }
                case FAIL -> kubelet.fail(h.job, h.pod, 1, TestResults.failed("CUDA error"));
                case INVALID_DATA ->
                        kubelet.fail(h.job, h.pod, 3, TestResults.failed("no images found"));
                case PREEMPT_FAILING_THE_JOB -> kubelet.preemptAndFailJob(h.job, h.pod);
                case EVICT -> {
                    kubelet.preempt(h.pod);
                    // the Job controller makes a replacement pod
                    h.pod = null;
                    h.nextAt = System.currentTimeMillis() + 100 + random.nextInt(300);
                    return;
                }
            }
            h.done = true;
        }
    }
}
