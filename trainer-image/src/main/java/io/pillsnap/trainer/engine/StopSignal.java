package io.pillsnap.trainer.engine;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGTERM (preemption, eviction, Job deletion) into a request the training loop sees at the
 * next batch: it writes a checkpoint and the result, then lets the JVM exit (code 143).
 */
public final class StopSignal {

    private volatile boolean requested;
    private final CountDownLatch settled = new CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicInteger checksBeforeTrip;

    private StopSignal(int checksBeforeTrip) {
        this.checksBeforeTrip = new java.util.concurrent.atomic.AtomicInteger(checksBeforeTrip);
    }

    /** A signal that SIGTERM trips; the shutdown waits up to {@code grace} for the checkpoint. */
    public static StopSignal onSigterm(Duration grace) {
        StopSignal signal = new StopSignal(-1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    signal.requested = true;
                                    try {
                                        signal.settled.await(
                                                grace.toMillis(), TimeUnit.MILLISECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                },
                                "sigterm"));
        return signal;
    }

    /** A signal only {@link #request()} trips (tests, local runs). */
    public static StopSignal manual() {
        return new StopSignal(-1);
    }

    /** Trips at the n-th time the loop asks (once per batch and once per epoch): for tests. */
    public static StopSignal afterChecks(int n) {
        return new StopSignal(n);
    }

    public boolean requested() {
        if (checksBeforeTrip.get() > 0 && checksBeforeTrip.decrementAndGet() == 0) {
            requested = true;
        }
        return requested;
    }

    public void request() {
        requested = true;
    }

    /** The run has written what it must; a pending shutdown may proceed. */
    public void settle() {
        settled.countDown();
    }
}
