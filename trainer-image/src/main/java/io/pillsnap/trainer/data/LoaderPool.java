package io.pillsnap.trainer.data;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The long-lived worker threads that decode, read and augment pictures, one pool per JVM (per
 * worker count): every epoch, evaluation pass and decoding pass of a run shares them instead of
 * starting threads of its own. Daemon threads, so they never keep the trainer alive.
 */
public final class LoaderPool {

    private static final Map<Integer, ExecutorService> POOLS = new ConcurrentHashMap<>();

    private LoaderPool() {}

    public static ExecutorService of(int workers) {
        return POOLS.computeIfAbsent(Math.max(1, workers), LoaderPool::start);
    }

    private static ExecutorService start(int workers) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(
                workers,
                task -> {
                    Thread thread = new Thread(task, "photo-loader-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }
}
