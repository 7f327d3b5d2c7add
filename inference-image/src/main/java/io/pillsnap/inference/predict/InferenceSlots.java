package io.pillsnap.inference.predict;

import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the images decoded and classified at once, so a burst queues briefly and then gets 503
 * with Retry-After instead of piling up decoded pictures until the pod runs out of memory.
 */
public final class InferenceSlots {

    private final int slots;
    private final Semaphore free;
    private final Duration queueTimeout;

    public InferenceSlots(int slots, Duration queueTimeout) {
        this.slots = slots;
        this.free = new Semaphore(slots, true);
        this.queueTimeout = queueTimeout;
    }

    /** Waits up to the queue timeout for a slot. */
    public Slot acquire() {
        try {
            if (!free.tryAcquire(queueTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RequestRejectedException(
                        ErrorCode.OVERLOADED,
                        "all "
                                + slots
                                + " inference slots stayed busy for "
                                + queueTimeout.toMillis()
                                + " ms; retry shortly",
                        Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRejectedException(
                    ErrorCode.OVERLOADED, "interrupted while waiting for an inference slot");
        }
        return new Slot();
    }

    public int inUse() {
        return slots - free.availablePermits();
    }

    public int capacity() {
        return slots;
    }

    /** A held slot; closing it frees it. */
    public final class Slot implements AutoCloseable {
        private boolean held = true;

        private Slot() {}

        @Override
        public void close() {
            if (held) {
                held = false;
                free.release();
            }
        }
    }
}
