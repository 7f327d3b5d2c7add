package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.RunNames;
import io.pillsnap.operator.desired.TrainerLabels;
import io.pillsnap.operator.testing.ApiFaults;
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
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stages in chains, each chain serving its own track, while the operator is stopped gracefully or
 * crashes between two of its API calls, the API server refuses, fails or delays its writes, and a
 * fake kubelet plays what a run can meet: pods that cannot pull their image or find a node (for a
 * while, or past the start timeout), crashes, evictions, preemptions, invalid data, results that
 * arrive late or with a pod that vanished, result readers that cannot start; stages are run again
 * and one is deleted while it serves. One seed per run (-Dchaos.seeds=N runs N seeds from
 * -Dchaos.seed). At the end every stage is in the phase, with the reason, its script dictates;
 * every Job the operator made is one its script needs, made once; every trainer that resumed
 * started from the step its run's previous trainer checkpointed; no terminal phase of a run turned
 * into another; no status went backwards; and once a track was served, a Ready model served it.
 */
class OperatorChaosIT {

    private static final int CHAINS = 3;
    private static final int DEPTH = 3;
    private static final double THRESHOLD = 0.4;

    /** Far above the 1.5 s a pod waits "for a while", so that only NEVER fails to start. */
    private static final int START_TIMEOUT_SECONDS = 5;

    private static final Duration SETTLE = Duration.ofSeconds(120);

    /** How the first pod of a Job (or the pod replacing an evicted one) starts. */
    enum Start {
        AT_ONCE,
        /** ImagePullBackOff for a moment, then it runs. */
        SLOW_IMAGE_PULL,
        /** Unschedulable for a moment, then it runs. */
        NO_NODE_FOR_A_WHILE,
        /** ImagePullBackOff for good: the attempt fails past the start timeout (charged). */
        NEVER
    }

    /** What becomes of the trainer once it runs. */
    enum End {
        /** Exit 1: charged, the next attempt resumes. */
        CRASH,
        /** The pod is evicted; the Job replaces it (the next step is the new pod's). */
        EVICTED,
        /** The pod is preempted and the Job fails: a new attempt, not charged. */
        PREEMPTED,
        /** Exit 3: the stage fails at once. */
        INVALID_DATA,
        SUCCEED,
        /** The Job is seen Complete before the pod reports. */
        SUCCEED_JOB_FIRST,
        /** The Job completes and the pod is gone before it reported: read from the run folder. */
        SUCCEED_POD_VANISHES,
        /** The pod reports only after the operator's result wait: the reader may go first. */
        SUCCEED_LATE
    }

    record Step(Start start, End end) {

        /** Whether this step ends its Job (anything but an eviction, which replaces the pod). */
        boolean endsJob() {
            return start == Start.NEVER || end != End.EVICTED;
        }
    }

    /** How a run ends, by its steps. */
    record Outcome(StagePhase phase, ConditionType condition, String reason, int jobs) {}

    /**
     * A stage's fate: its steps for run 1 (and run 2 when it is run again after its promotion), its
     * retry budget and top-1, whether its first result reader fails to start, and whether it is
     * deleted once it serves.
     */
    record Script(
            String stage,
            String after,
            String track,
            int maxRetries,
            List<Step> run1,
            List<Step> run2,
            double top1,
            boolean readerFailsToStart,
            boolean deletedWhileServing) {

        Outcome outcome(List<Step> steps) {
            int charged = 0;
            int jobs = 0;
            for (Step step : steps) {
                if (step.endsJob()) {
                    jobs++;
                }
                if (step.start() == Start.NEVER) {
                    if (++charged > maxRetries) {
                        return new Outcome(
                                StagePhase.Failed, ConditionType.Trained, "StartTimeout", jobs);
                    }
                    continue;
                }
                switch (step.end()) {
                    case CRASH -> {
                        if (++charged > maxRetries) {
                            return new Outcome(
                                    StagePhase.Failed,
                                    ConditionType.Trained,
                                    "RetriesExhausted",
                                    jobs);
                        }
                    }
                    case INVALID_DATA -> {
                        return new Outcome(
                                StagePhase.Failed, ConditionType.Trained, "InvalidData", jobs);
                    }
                    case SUCCEED, SUCCEED_JOB_FIRST, SUCCEED_POD_VANISHES, SUCCEED_LATE -> {
                        return top1 >= THRESHOLD
                                ? new Outcome(
                                        StagePhase.Promoted,
                                        ConditionType.Promoted,
                                        "Automatic",
                                        jobs)
                                : new Outcome(
                                        StagePhase.Rejected,
                                        ConditionType.Promoted,
                                        "GateFailed",
                                        jobs);
                    }
                    default -> {}
                }
            }
            throw new IllegalStateException("script of " + stage + " never ends");
        }

        boolean reruns() {
            return run2 != null;
        }
    }

    static Stream<Long> seeds() {
        long first = Long.getLong("chaos.seed", 20261207L);
        int count = Integer.getInteger("chaos.seeds", 2);
        return LongStream.range(first, first + count).boxed();
    }

    private MockCluster cluster;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Watch> watches = new ArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, String> uids = new ConcurrentHashMap<>();

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyStageEndsAsItsScriptDictates(long seed) throws Exception {
        try {
            run(seed);
        } finally {
            running.set(false);
            watches.forEach(Watch::close);
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private void run(long seed) throws Exception {
        long started = System.nanoTime();
        Random random = new Random(seed);
        Map<String, Script> scripts = scripts(random);
        OperatorConfig config =
                OperatorConfig.forTests().toBuilder()
                        .finishedJobRetention(Duration.ofSeconds(2))
                        .resultWait(Duration.ofSeconds(2))
                        .resultReadBackoff(Duration.ofSeconds(1))
                        .progressPollInterval(Duration.ofSeconds(30))
                        .build();
        ApiFaults faults = new ApiFaults(seed + 3, 0.05, 0.03, 0.03, 0.01, Duration.ofSeconds(3));
        cluster =
                MockCluster.create()
                        .withOperatorRequestTimeout(Duration.ofSeconds(2))
                        .startOperator(config);
        cluster.api().guard(faults);
        Map<String, AtomicInteger> jobsAdded = watchJobCreations();
        watchStatusOrder();
        for (Script script : scripts.values()) {
            var stage =
                    TestStages.stage(script.stage(), script.after() == null ? 1 : 2)
                            .maxRetries(script.maxRetries())
                            .startTimeoutSeconds(START_TIMEOUT_SECONDS)
                            .criterion(TOP1, THRESHOLD)
                            .serving(script.track(), 60)
                            .scaleDownDelay(1);
            if (script.after() != null) {
                stage.after(script.after()).initFrom(script.after());
            }
            PillsnapStage applied = cluster.apply(stage.build());
            uids.put(script.stage(), applied.getMetadata().getUid());
        }
        Map<String, Outcome> expected = expected(scripts);
        Kubelet kubelet = new Kubelet(cluster.kubelet(), scripts, new Random(seed + 1));
        Driver driver = new Driver(scripts, expected);
        TrackWatch tracks = new TrackWatch(scripts);
        AtomicInteger graceful = new AtomicInteger();
        List<Thread> threads =
                List.of(
                        new Thread(kubelet, "fake-kubelet"),
                        new Thread(driver, "chaos-driver"),
                        new Thread(tracks, "track-watch"),
                        new Thread(
                                () -> stopAndCrash(config, faults, new Random(seed + 2), graceful),
                                "chaos"));
        threads.forEach(Thread::start);

        try {
            await().atMost(SETTLE)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> settled(expected, scripts) && driver.done());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "seed " + seed + " did not settle:\n" + unsettled(expected, scripts), e);
        } finally {
            faults.stop();
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
        // the last operator, started on the final state, finds nothing to change
        cluster.stopOperator();
        cluster.startOperator(config);
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(30))
                .until(() -> settled(expected, scripts));

        System.out.printf(
                "chaos seed %d: %.1f s, %d graceful stops and %d crashes mid-action, %d conflicts,"
                        + " %d server errors and %d slow answers injected, %d Jobs created (%d"
                        + " result readers), %d trainers resumed from a checkpoint, %d track"
                        + " switches seen, %d operator restarts after a failed watch; final %s%n",
                seed,
                (System.nanoTime() - started) / 1e9,
                graceful.get(),
                faults.crashes.get(),
                faults.conflictsInjected.get(),
                faults.errorsInjected.get(),
                faults.slowInjected.get(),
                jobsAdded.size(),
                jobsAdded.keySet().stream().filter(j -> j.contains("-result-")).count(),
                kubelet.resumed.get(),
                tracks.switches.get(),
                cluster.informerFailures().size(),
                new TreeMap<>(
                        expected.entrySet().stream()
                                .collect(
                                        java.util.stream.Collectors.groupingBy(
                                                e ->
                                                        e.getValue() == null
                                                                ? "Deleted"
                                                                : e.getValue().phase().name(),
                                                java.util.stream.Collectors.counting()))));

        for (Script script : scripts.values()) {
            Outcome outcome = expected.get(script.stage());
            PillsnapStage stage = cluster.get(script.stage());
            if (outcome == null) {
                assertThat(stage).as(script.stage() + " was deleted").isNull();
                continue;
            }
            assertThat(stage.getStatus().phase())
                    .as(script.stage() + " " + script)
                    .isEqualTo(outcome.phase());
            assertThat(stage.getStatus().condition(outcome.condition()))
                    .as("%s %s condition of %s", outcome.condition(), outcome.reason(), script)
                    .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo(outcome.reason()));
            if (outcome.phase() == StagePhase.Promoted || outcome.phase() == StagePhase.Rejected) {
                assertThat(stage.getStatus().metrics().top1())
                        .as("result of " + script.stage())
                        .isEqualTo(script.top1());
            }
        }
        assertThat(jobsAdded)
                .as("Jobs the operator made, each once, none its scripts do not need")
                .allSatisfy(
                        (job, added) -> {
                            assertThat(added.get()).as(job + " created").isEqualTo(1);
                            assertThat(job).isIn(allowedJobs(scripts, expected));
                        });
        assertThat(jobsAdded.keySet())
                .as("every trainer Job the scripts need")
                .containsAll(neededTrainerJobs(scripts, expected));
        assertThat(violations).as("violations").isEmpty();
        assertThat(kubelet.resumed.get()).as("trainers resumed from a checkpoint").isPositive();
        assertThat(faults.crashes.get() + graceful.get()).as("operator stops").isPositive();
    }

    /**
     * Chains c1..c3 of s1 -> s2 -> s3, each chain serving track t1..t3; each stage with a seeded
     * fate. The last stage of a chain may be deleted once it serves, a stage that is not the last
     * may be run again once promoted.
     */
    private static Map<String, Script> scripts(Random random) {
        Map<String, Script> scripts = new LinkedHashMap<>();
        for (int chain = 1; chain <= CHAINS; chain++) {
            String previous = null;
            for (int depth = 1; depth <= DEPTH; depth++) {
                String name = "c" + chain + "-s" + depth;
                int maxRetries = 1 + random.nextInt(2);
                List<Step> run1 = steps(random, maxRetries);
                double top1 = random.nextInt(8) == 0 ? 0.31 : 0.5 + depth / 100.0;
                boolean last = depth == DEPTH;
                List<Step> run2 =
                        !last && random.nextInt(3) == 0
                                ? List.of(
                                        new Step(start(random), End.EVICTED),
                                        new Step(Start.AT_ONCE, End.SUCCEED))
                                : null;
                scripts.put(
                        name,
                        new Script(
                                name,
                                previous,
                                "t" + chain,
                                maxRetries,
                                run1,
                                run2,
                                top1,
                                random.nextInt(3) == 0,
                                last && random.nextBoolean()));
                previous = name;
            }
        }
        return scripts;
    }

    private static List<Step> steps(Random random, int maxRetries) {
        List<Step> steps = new ArrayList<>();
        int troubles = random.nextInt(3);
        for (int i = 0; i < troubles; i++) {
            Start start = random.nextInt(5) == 0 ? Start.NEVER : start(random);
            End end = List.of(End.CRASH, End.EVICTED, End.PREEMPTED).get(random.nextInt(3));
            steps.add(new Step(start, end));
        }
        int last = random.nextInt(24);
        End end =
                last == 0
                        ? End.INVALID_DATA
                        : List.of(
                                        End.SUCCEED,
                                        End.SUCCEED_JOB_FIRST,
                                        End.SUCCEED_POD_VANISHES,
                                        End.SUCCEED_LATE)
                                .get(last % 4);
        steps.add(new Step(start(random), end));
        return steps;
    }

    private static Start start(Random random) {
        return List.of(
                        Start.AT_ONCE,
                        Start.AT_ONCE,
                        Start.SLOW_IMAGE_PULL,
                        Start.NO_NODE_FOR_A_WHILE)
                .get(random.nextInt(4));
    }

    /** Each stage's outcome (null: deleted), its predecessor's deciding whether it runs at all. */
    private static Map<String, Outcome> expected(Map<String, Script> scripts) {
        Map<String, Outcome> expected = new HashMap<>();
        for (Script script : scripts.values()) {
            Outcome before = script.after() == null ? null : expected.get(script.after());
            boolean unblocked = script.after() == null || before.phase() == StagePhase.Promoted;
            if (!unblocked) {
                boolean deadEnd =
                        before.phase() == StagePhase.Rejected
                                || before.phase() == StagePhase.Failed;
                expected.put(
                        script.stage(),
                        new Outcome(
                                StagePhase.Waiting,
                                ConditionType.PredecessorsPromoted,
                                deadEnd ? "PredecessorNotPromotable" : "PredecessorNotPromoted",
                                0));
                continue;
            }
            Outcome first = script.outcome(script.run1());
            if (script.deletedWhileServing() && first.phase() == StagePhase.Promoted) {
                expected.put(script.stage(), null);
            } else if (script.reruns() && first.phase() == StagePhase.Promoted) {
                expected.put(script.stage(), script.outcome(script.run2()));
            } else {
                expected.put(script.stage(), first);
            }
        }
        return expected;
    }

    /** The trainer Jobs each run needs: attempts 1..n of its outcome. */
    private List<String> neededTrainerJobs(
            Map<String, Script> scripts, Map<String, Outcome> expected) {
        List<String> needed = new ArrayList<>();
        for (Script script : scripts.values()) {
            Outcome outcome = expected.get(script.stage());
            if (outcome != null && outcome.phase() == StagePhase.Waiting) {
                continue;
            }
            Outcome first = script.outcome(script.run1());
            needed.addAll(jobNames(script, 1, first.jobs()));
            if (script.reruns() && first.phase() == StagePhase.Promoted) {
                needed.addAll(jobNames(script, 2, script.outcome(script.run2()).jobs()));
            }
        }
        return needed;
    }

    /** The trainer Jobs needed, and the result readers of the same runs. */
    private Set<String> allowedJobs(Map<String, Script> scripts, Map<String, Outcome> expected) {
        Set<String> allowed = new java.util.HashSet<>(neededTrainerJobs(scripts, expected));
        for (Script script : scripts.values()) {
            for (int run = 1; run <= 2; run++) {
                String runId = runId(script.stage(), run);
                // a reader read again after its own failures, and after a crash lost its result
                for (int read = 1; read <= 12; read++) {
                    allowed.add(RunNames.resultReaderName(script.stage(), runId, read));
                }
            }
        }
        return allowed;
    }

    private List<String> jobNames(Script script, int run, int attempts) {
        List<String> names = new ArrayList<>();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            names.add(RunNames.jobName(script.stage(), runId(script.stage(), run), attempt));
        }
        return names;
    }

    private String runId(String stage, int run) {
        PillsnapStage stored = new PillsnapStage();
        stored.setMetadata(
                new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                        .withName(stage)
                        .withUid(uids.get(stage))
                        .build());
        return RunNames.runId(stored, run);
    }

    private boolean settled(Map<String, Outcome> expected, Map<String, Script> scripts) {
        return expected.entrySet().stream()
                .allMatch(
                        e -> {
                            PillsnapStage stage = cluster.get(e.getKey());
                            Outcome outcome = e.getValue();
                            if (outcome == null) {
                                return stage == null;
                            }
                            Script script = scripts.get(e.getKey());
                            boolean rerun =
                                    script.reruns()
                                            && outcome.phase() != StagePhase.Waiting
                                            && script.outcome(script.run1()).phase()
                                                    == StagePhase.Promoted;
                            return stage != null
                                    && stage.getStatus() != null
                                    && stage.getStatus().phase() == outcome.phase()
                                    && (!rerun
                                            || stage.getStatus().run() != null
                                                    && stage.getStatus().run().number() == 2);
                        });
    }

    /** Each stage that is not as expected: its script, what is expected, what it is. */
    private String unsettled(Map<String, Outcome> expected, Map<String, Script> scripts) {
        StringBuilder out = new StringBuilder();
        for (Script script : scripts.values()) {
            PillsnapStage stage = cluster.get(script.stage());
            Outcome outcome = expected.get(script.stage());
            PillsnapStageStatus status = stage == null ? null : stage.getStatus();
            out.append(script)
                    .append("\n  expected: ")
                    .append(outcome == null ? "deleted" : outcome)
                    .append("\n  is: ")
                    .append(
                            status == null
                                    ? (stage == null ? "gone" : "no status")
                                    : status.phase()
                                            + " run "
                                            + (status.run() == null
                                                    ? "-"
                                                    : status.run().number()
                                                            + " attempt "
                                                            + status.run().attempt())
                                            + ": "
                                            + status.message()
                                            + (status.serving() == null
                                                    ? ""
                                                    : "; serving "
                                                            + status.serving().state()
                                                            + ": "
                                                            + status.serving().message()))
                    .append('\n');
        }
        cluster.client()
                .batch()
                .v1()
                .jobs()
                .inNamespace(MockCluster.NAMESPACE)
                .list()
                .getItems()
                .forEach(
                        job ->
                                out.append("job ")
                                        .append(job.getMetadata().getName())
                                        .append(" suspend=")
                                        .append(job.getSpec().getSuspend())
                                        .append(" status=")
                                        .append(job.getStatus())
                                        .append('\n'));
        out.append("violations: ").append(violations);
        return out.toString();
    }

    /**
     * Stops the operator every second or three: gracefully (in-flight reconciles finish), or by a
     * crash after a seeded number of its writes (nothing it would have written after reaches the
     * API server), then starts a new instance.
     */
    private void stopAndCrash(
            OperatorConfig config, ApiFaults faults, Random random, AtomicInteger graceful) {
        while (running.get()) {
            sleep(1000 + random.nextInt(2000));
            if (!running.get()) {
                return;
            }
            String instance = cluster.operatorIdentity();
            if (random.nextBoolean()) {
                faults.crashAfter(instance, 1 + random.nextInt(8));
                long until = System.currentTimeMillis() + 3000;
                while (!faults.hasCrashed(instance)
                        && System.currentTimeMillis() < until
                        && running.get()) {
                    sleep(20);
                }
                if (!faults.hasCrashed(instance)) {
                    graceful.incrementAndGet();
                }
            } else {
                graceful.incrementAndGet();
            }
            cluster.stopOperator();
            sleep(random.nextInt(300));
            cluster.startOperator(config);
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

    /**
     * Records a violation when a stage's (run, attempt, phase) ever decreases, or when a run's
     * terminal phase turns into another.
     */
    private void watchStatusOrder() {
        Map<String, int[]> last = new ConcurrentHashMap<>();
        Map<String, StagePhase> terminal = new ConcurrentHashMap<>();
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
                                            String name = stage.getMetadata().getName();
                                            int[] now = order(stage);
                                            int[] before = last.put(name, now);
                                            if (before != null && compare(now, before) < 0) {
                                                violations.add(
                                                        name
                                                                + " went from "
                                                                + describe(before)
                                                                + " to "
                                                                + describe(now));
                                            }
                                            String run = name + "#" + now[0];
                                            StagePhase phase = status.phase();
                                            StagePhase first = terminal.get(run);
                                            if (first != null && first != phase) {
                                                violations.add(
                                                        run
                                                                + " turned from "
                                                                + first
                                                                + " to "
                                                                + phase);
                                            }
                                            if (isTerminal(phase)) {
                                                terminal.putIfAbsent(run, phase);
                                            }
                                        })));
    }

    private static boolean isTerminal(StagePhase phase) {
        return phase == StagePhase.Promoted
                || phase == StagePhase.Rejected
                || phase == StagePhase.Failed;
    }

    /**
     * A stage's place in its history: (run, attempt, phase rank). A rerun that waits for a
     * predecessor is Waiting while status.run still names the previous run (its nonce is not the
     * spec's): that Waiting belongs to the next run, before its first attempt.
     */
    private static int[] order(PillsnapStage stage) {
        PillsnapStageStatus status = stage.getStatus();
        if (status.run() != null
                && status.phase() == StagePhase.Waiting
                && !Objects.equals(stage.getSpec().rerunNonce(), status.run().nonce())) {
            return new int[] {status.run().number() + 1, 0, 0};
        }
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
     * What users do: runs a stage again once its first run is promoted, and deletes a stage once
     * its model serves its track.
     */
    private final class Driver implements Runnable {

        private final Map<String, Script> scripts;
        private final Set<String> toRerun = ConcurrentHashMap.newKeySet();
        private final Set<String> toDelete = ConcurrentHashMap.newKeySet();

        Driver(Map<String, Script> scripts, Map<String, Outcome> expected) {
            this.scripts = scripts;
            for (Script script : scripts.values()) {
                boolean runs =
                        expected.get(script.stage()) == null
                                || expected.get(script.stage()).phase() != StagePhase.Waiting;
                boolean promoted = script.outcome(script.run1()).phase() == StagePhase.Promoted;
                if (runs && promoted && script.reruns()) {
                    toRerun.add(script.stage());
                }
                if (expected.get(script.stage()) == null) {
                    toDelete.add(script.stage());
                }
            }
        }

        boolean done() {
            return toRerun.isEmpty() && toDelete.isEmpty();
        }

        @Override
        public void run() {
            while (running.get()) {
                for (Script script : scripts.values()) {
                    try {
                        act(script);
                    } catch (RuntimeException e) {
                        // tried again on the next round
                    }
                }
                sleep(200);
            }
        }

        private void act(Script script) {
            String name = script.stage();
            if (!toRerun.contains(name) && !toDelete.contains(name)) {
                return;
            }
            PillsnapStage stage = cluster.get(name);
            boolean promoted =
                    stage != null
                            && stage.getStatus() != null
                            && stage.getStatus().phase() == StagePhase.Promoted
                            && stage.getStatus().run().number() == 1;
            if (promoted && toRerun.contains(name)) {
                cluster.client()
                        .resources(PillsnapStage.class)
                        .inNamespace(MockCluster.NAMESPACE)
                        .withName(name)
                        .edit(
                                s -> {
                                    var spec =
                                            TestStages.stage(name, script.after() == null ? 1 : 2)
                                                    .maxRetries(script.maxRetries())
                                                    .startTimeoutSeconds(START_TIMEOUT_SECONDS)
                                                    .criterion(TOP1, THRESHOLD)
                                                    .serving(script.track(), 60)
                                                    .scaleDownDelay(1)
                                                    .rerunNonce("2");
                                    if (script.after() != null) {
                                        spec.after(script.after()).initFrom(script.after());
                                    }
                                    s.setSpec(spec.build().getSpec());
                                    return s;
                                });
                toRerun.remove(name);
            }
            boolean serving =
                    promoted
                            && stage.getStatus().serving() != null
                            && "Serving".equals(stage.getStatus().serving().state());
            if (serving && toDelete.contains(name)) {
                cluster.delete(name);
                toDelete.remove(name);
            }
        }
    }

    /**
     * Checks the tracks every 100 ms: once a track's Service has sent traffic to a model, it must
     * always send it to a model whose Deployment has Ready pods; a violation is confirmed by
     * reading both again.
     */
    private final class TrackWatch implements Runnable {

        private final Set<String> tracks = ConcurrentHashMap.newKeySet();
        private final Map<String, String> servedBefore = new ConcurrentHashMap<>();
        final AtomicInteger switches = new AtomicInteger();

        TrackWatch(Map<String, Script> scripts) {
            scripts.values().forEach(s -> tracks.add(s.track()));
        }

        @Override
        public void run() {
            while (running.get()) {
                for (String track : tracks) {
                    try {
                        check(track);
                    } catch (RuntimeException e) {
                        // the mock is being read while the test ends
                    }
                }
                sleep(100);
            }
        }

        private void check(String track) {
            String version = selected(track);
            String before = servedBefore.get(track);
            if (version == null) {
                if (before != null && selected(track) == null) {
                    violations.add("track " + track + " lost its Service after serving " + before);
                    servedBefore.remove(track);
                }
                return;
            }
            if (!version.equals(before)) {
                switches.incrementAndGet();
                servedBefore.put(track, version);
            }
            if (!ready(version) && version.equals(selected(track)) && !ready(version)) {
                violations.add("track " + track + " sent traffic to " + version + ", not Ready");
            }
        }

        private String selected(String track) {
            Service service =
                    cluster.client()
                            .services()
                            .inNamespace(MockCluster.NAMESPACE)
                            .withName(track)
                            .get();
            return service == null
                    ? null
                    : service.getSpec().getSelector().get(ApiConstants.LABEL_MODEL_VERSION);
        }

        private boolean ready(String versionLabel) {
            return cluster
                    .client()
                    .apps()
                    .deployments()
                    .inNamespace(MockCluster.NAMESPACE)
                    .withLabel(ApiConstants.LABEL_MODEL_VERSION, versionLabel)
                    .list()
                    .getItems()
                    .stream()
                    .anyMatch(
                            d ->
                                    d.getSpec().getReplicas() != null
                                            && d.getSpec().getReplicas() > 0
                                            && d.getStatus() != null
                                            && d.getStatus().getReadyReplicas() != null
                                            && d.getStatus().getReadyReplicas() > 0);
        }
    }

    /**
     * Plays the Job and Deployment controllers, the kubelets, the trainers and the result readers:
     * starts a pod for each new Job (and a new one for an evicted pod), then after a random time
     * applies the stage's next step; answers result readers with the result the trainer wrote to
     * its run folder; brings inference pods up. The trainers write checkpoints to their run folder
     * and start from the one --resume-from names. Works on while the operator is down, as a cluster
     * does.
     */
    private final class Kubelet implements Runnable {

        private final FakeKubelet kubelet;
        private final Map<String, Deque<Step>> steps = new HashMap<>();
        private final Map<String, Script> scripts;
        private final Random random;
        private final Map<String, Handling> jobs = new HashMap<>();
        private final Map<String, Long> readyAt = new HashMap<>();
        private final Set<String> readerFailed = new java.util.HashSet<>();

        /** result.json of each run folder a trainer finished, by run id. */
        final Map<String, String> results = new ConcurrentHashMap<>();

        /** The step each run folder's checkpoint holds. */
        private final Map<String, Integer> checkpoints = new ConcurrentHashMap<>();

        /** The step the last trainer of each run checkpointed, by run id. */
        private final Map<String, Integer> lastStep = new ConcurrentHashMap<>();

        final AtomicInteger resumed = new AtomicInteger();

        private Kubelet(FakeKubelet kubelet, Map<String, Script> scripts, Random random) {
            this.kubelet = kubelet;
            this.scripts = scripts;
            this.random = random;
        }

        /** Where the kubelet is with one Job. */
        private final class Handling {
            final Job job;
            Pod pod;
            Step step;
            boolean running;

            /** A result the trainer reports after its Job was seen Complete. */
            String lateResult;

            int step0;
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
                        if (job.getMetadata().getDeletionTimestamp() != null) {
                            continue;
                        }
                        Handling handling =
                                jobs.computeIfAbsent(job.getMetadata().getUid(), u -> seen(job));
                        if (!handling.done && System.currentTimeMillis() >= handling.nextAt) {
                            advance(handling);
                        }
                    }
                    deployments();
                    if (System.currentTimeMillis() - lastCollection > 1000) {
                        cluster.collectGarbage();
                        lastCollection = System.currentTimeMillis();
                    }
                } catch (RuntimeException e) {
                    // an object deleted under our feet: its handling simply ends
                }
                sleep(50);
            }
        }

        private Handling seen(Job job) {
            return new Handling(job);
        }

        private void advance(Handling h) {
            if (TrainerLabels.isResultReader(h.job)) {
                read(h);
                return;
            }
            if (h.pod == null) {
                String stage = h.job.getMetadata().getLabels().get(ApiConstants.LABEL_STAGE);
                int run =
                        Integer.parseInt(
                                h.job.getMetadata().getLabels().get(ApiConstants.LABEL_RUN));
                h.step = nextStep(stage, run, h.job);
                if (h.step == null) {
                    h.done = true;
                    return;
                }
                h.pod =
                        switch (h.step.start()) {
                            case AT_ONCE -> startRunning(h);
                            case SLOW_IMAGE_PULL, NEVER ->
                                    kubelet.podWaiting(
                                            h.job, "ImagePullBackOff", "Back-off pulling image");
                            case NO_NODE_FOR_A_WHILE ->
                                    kubelet.podUnschedulable(
                                            h.job,
                                            "0/3 nodes are available: 3 Insufficient"
                                                    + " nvidia.com/gpu.");
                        };
                h.nextAt = System.currentTimeMillis() + 300 + random.nextInt(1200);
                if (h.step.start() == Start.NEVER) {
                    // the operator gives up on it past the start timeout and deletes the Job
                    h.done = true;
                }
                return;
            }
            if (!h.running) {
                h.pod = kubelet.run(h.pod);
                begin(h);
                h.nextAt = System.currentTimeMillis() + 300 + random.nextInt(1200);
                return;
            }
            if (h.lateResult != null) {
                kubelet.terminatePod(h.pod, h.lateResult);
                h.done = true;
                return;
            }
            finish(h);
        }

        private Step nextStep(String stage, int run, Job job) {
            Deque<Step> queue =
                    steps.computeIfAbsent(
                            stage + "#" + run,
                            k -> {
                                Script script = scripts.get(stage);
                                List<Step> of = run == 1 ? script.run1() : script.run2();
                                return of == null ? new ArrayDeque<>() : new ArrayDeque<>(of);
                            });
            Step step = queue.poll();
            if (step == null) {
                violations.add(
                        "a pod beyond the script of "
                                + stage
                                + " run "
                                + run
                                + ": Job "
                                + job.getMetadata().getName());
            }
            return step;
        }

        private Pod startRunning(Handling h) {
            Pod pod = kubelet.startPod(h.job);
            begin(h);
            return pod;
        }

        /** The trainer starts: from the checkpoint --resume-from names. */
        private void begin(Handling h) {
            h.running = true;
            String runId = FakeKubelet.runId(h.job);
            List<String> args =
                    h.job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
            String output = argument(args, "--output=");
            String resumeFrom = argument(args, "--resume-from=");
            if (resumeFrom == null || !resumeFrom.equals(output + "/checkpoints/last")) {
                violations.add(
                        "Job " + h.job.getMetadata().getName() + " resumes from " + resumeFrom);
            }
            int step = resumeFrom == null ? 0 : checkpoints.getOrDefault(resumeFrom, 0);
            int expected = lastStep.getOrDefault(runId, 0);
            if (step != expected) {
                violations.add(
                        "Job "
                                + h.job.getMetadata().getName()
                                + " started from step "
                                + step
                                + ", its run last checkpointed step "
                                + expected);
            }
            if (step > 0) {
                resumed.incrementAndGet();
            }
            h.step0 = step;
        }

        /** The trainer checkpoints its progress to its run folder. */
        private void checkpoint(Handling h) {
            List<String> args =
                    h.job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
            int step = h.step0 + 10 + random.nextInt(90);
            checkpoints.put(argument(args, "--output=") + "/checkpoints/last", step);
            lastStep.put(FakeKubelet.runId(h.job), step);
        }

        private void finish(Handling h) {
            String runId = FakeKubelet.runId(h.job);
            String stage = h.job.getMetadata().getLabels().get(ApiConstants.LABEL_STAGE);
            String result = TestResults.succeeded(runId, Map.of(TOP1, scripts.get(stage).top1()));
            checkpoint(h);
            switch (h.step.end()) {
                case SUCCEED -> {
                    results.put(runId, result);
                    kubelet.succeed(h.job, h.pod, result);
                }
                case SUCCEED_JOB_FIRST -> {
                    results.put(runId, result);
                    kubelet.completeJob(h.job);
                    // the pod reports a moment later (without holding up the other Jobs)
                    h.lateResult = result;
                    h.nextAt = System.currentTimeMillis() + 200 + random.nextInt(600);
                    return;
                }
                case SUCCEED_POD_VANISHES -> {
                    results.put(runId, result);
                    kubelet.completeJob(h.job);
                    kubelet.removePod(h.pod);
                }
                case SUCCEED_LATE -> {
                    results.put(runId, result);
                    kubelet.completeJob(h.job);
                    Pod pod = h.pod;
                    new Thread(
                                    () -> {
                                        sleep(2500 + random.nextInt(1500));
                                        try {
                                            kubelet.terminatePod(pod, result);
                                        } catch (RuntimeException e) {
                                            // the Job and its pod went first
                                        }
                                    },
                                    "late-result")
                            .start();
                }
                case CRASH -> kubelet.fail(h.job, h.pod, 1, TestResults.failed("CUDA error"));
                case INVALID_DATA ->
                        kubelet.fail(h.job, h.pod, 3, TestResults.failed("no images found"));
                case PREEMPTED -> kubelet.preemptAndFailJob(h.job, h.pod);
                case EVICTED -> {
                    kubelet.preempt(h.pod);
                    // the Job controller makes a replacement pod, which takes the next step
                    h.pod = null;
                    h.running = false;
                    h.nextAt = System.currentTimeMillis() + 100 + random.nextInt(300);
                    return;
                }
            }
            h.done = true;
        }

        /** A result reader prints result.json, unless it is its run's first and cannot start. */
        private void read(Handling h) {
            String runId = FakeKubelet.runId(h.job);
            String stage = h.job.getMetadata().getLabels().get(ApiConstants.LABEL_STAGE);
            if (scripts.get(stage).readerFailsToStart() && readerFailed.add(runId)) {
                kubelet.podWaiting(h.job, "ImagePullBackOff", "Back-off pulling image");
                kubelet.failBeforeStarting(
                        h.job, "DeadlineExceeded", "Job was active longer than specified deadline");
                h.done = true;
                return;
            }
            Pod pod = kubelet.startPod(h.job);
            String result = results.get(runId);
            if (result == null) {
                kubelet.fail(h.job, pod, 2, "no such file: result.json");
            } else {
                kubelet.succeed(h.job, pod, result);
            }
            h.done = true;
        }

        /** Inference Deployments: Ready a moment after they are scaled up; 0 Ready at 0. */
        private void deployments() {
            for (Deployment d :
                    cluster.client()
                            .apps()
                            .deployments()
                            .inNamespace(MockCluster.NAMESPACE)
                            .list()
                            .getItems()) {
                String name = d.getMetadata().getName();
                int replicas = d.getSpec().getReplicas() == null ? 0 : d.getSpec().getReplicas();
                int ready =
                        d.getStatus() == null || d.getStatus().getReadyReplicas() == null
                                ? 0
                                : d.getStatus().getReadyReplicas();
                if (replicas == ready) {
                    readyAt.remove(name);
                    continue;
                }
                if (replicas == 0) {
                    setReady(name, 0);
                    continue;
                }
                long at =
                        readyAt.computeIfAbsent(
                                name, n -> System.currentTimeMillis() + 300 + random.nextInt(700));
                if (System.currentTimeMillis() >= at) {
                    setReady(name, replicas);
                    readyAt.remove(name);
                }
            }
        }

        private void setReady(String name, int ready) {
            cluster.client()
                    .apps()
                    .deployments()
                    .inNamespace(MockCluster.NAMESPACE)
                    .withName(name)
                    .editStatus(
                            d -> {
                                d.setStatus(
                                        new DeploymentStatusBuilder()
                                                .withObservedGeneration(
                                                        d.getMetadata().getGeneration())
                                                .withReplicas(ready)
                                                .withReadyReplicas(ready)
                                                .withAvailableReplicas(ready)
                                                .withUpdatedReplicas(ready)
                                                .build());
                                return d;
                            });
        }

        private static String argument(List<String> args, String prefix) {
            return args.stream()
                    .filter(a -> a.startsWith(prefix))
                    .map(a -> a.substring(prefix.length()))
                    .findFirst()
                    .orElse(null);
        }
    }
}
