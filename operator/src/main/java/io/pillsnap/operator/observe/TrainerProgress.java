package io.pillsnap.operator.observe;

import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.operator.observe.ProgressPoller.TrainerAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The running trainers' /progress, read off the reconcile threads: a training stage's trainer is
 * asked once per interval by a scheduler, over asynchronous HTTP (a trainer that does not answer
 * holds no thread), its newest answer is kept for observe to read as the stage's secondary
 * resource, and the stage is woken when the answer changed. At most one request per stage per
 * interval, whichever pod answers it. In memory: after a restart every training stage is asked once
 * at once.
 */
public final class TrainerProgress extends AbstractEventSource<ProgressStatus, PillsnapStage> {

    private final Duration interval;
    private final ProgressPoller poller;
    private final Clock clock;
    private final Map<String, Followed> followed = new ConcurrentHashMap<>();
    private ScheduledExecutorService scheduler;

    /** One stage's trainer as followed: where it answers, when it was asked, what it said. */
    private static final class Followed {
        final ResourceID stage;
        volatile TrainerAddress trainer;
        volatile Instant lastAsked;
        volatile boolean asking;
        volatile ProgressStatus latest;
        volatile ScheduledFuture<?> next;

        Followed(ResourceID stage) {
            this.stage = stage;
        }
    }

    public TrainerProgress(Duration interval, ProgressPoller poller, Clock clock) {
        super(ProgressStatus.class, "trainer-progress");
        this.interval = interval;
        this.poller = poller;
        this.clock = clock;
    }

    /**
     * Follows the stage's running trainer at {@code trainer}, or stops following it when empty (the
     * stage does not train, or its pod does not run). Never blocks.
     */
    public void follow(PillsnapStage stage, Optional<TrainerAddress> trainer) {
        String uid = stage.getMetadata().getUid();
        if (trainer.isEmpty()) {
            forget(uid);
            return;
        }
        Followed f =
                followed.computeIfAbsent(uid, u -> new Followed(ResourceID.fromResource(stage)));
        synchronized (f) {
            f.trainer = trainer.get();
            if (f.next == null) {
                schedule(uid, f);
            }
        }
    }

    /** The newest answer of the stage's trainer; empty when none answered yet. */
    public Optional<ProgressStatus> latest(PillsnapStage stage) {
        Followed f = followed.get(stage.getMetadata().getUid());
        return f == null ? Optional.empty() : Optional.ofNullable(f.latest);
    }

    @Override
    public Set<ProgressStatus> getSecondaryResources(PillsnapStage stage) {
        return latest(stage).map(Set::of).orElse(Set.of());
    }

    public void forget(String uid) {
        Followed f = followed.remove(uid);
        if (f != null && f.next != null) {
            f.next.cancel(false);
        }
    }

    @Override
    public synchronized void start() {
        scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread thread = new Thread(r, "trainer-progress");
                            thread.setDaemon(true);
                            return thread;
                        });
        super.start();
    }

    @Override
    public synchronized void stop() {
        super.stop();
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        followed.clear();
    }

    /** Asks at the earliest when an interval has passed since the last question. */
    private void schedule(String uid, Followed f) {
        Instant now = clock.instant();
        Duration wait =
                f.lastAsked == null
                        ? Duration.ZERO
                        : Duration.between(now, f.lastAsked.plus(interval));
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        ScheduledExecutorService executor = scheduler;
        if (executor == null || executor.isShutdown()) {
            return;
        }
        f.next = executor.schedule(() -> ask(uid, f), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ask(String uid, Followed f) {
        if (followed.get(uid) != f) {
            return;
        }
        synchronized (f) {
            if (!f.asking) {
                f.asking = true;
                f.lastAsked = clock.instant();
                TrainerAddress trainer = f.trainer;
                poller.poll(trainer).whenComplete((answer, failure) -> answered(f, answer));
            }
            schedule(uid, f);
        }
    }

    private void answered(Followed f, Optional<ProgressStatus> answer) {
        f.asking = false;
        if (answer == null || answer.isEmpty() || Objects.equals(answer.get(), f.latest)) {
            return;
        }
        f.latest = answer.get();
        if (isRunning() && getEventHandler() != null) {
            getEventHandler().handleEvent(new Event(f.stage));
        }
    }
}
