package io.pillsnap.inference.auth;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most N requests per client in any sliding minute, as the original system's in-memory limiter
 * (a deque of timestamps per API key). Per pod: N replicas let a client through N times as often.
 */
public final class RateLimiter {

    private static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int MAX_TRACKED_CLIENTS = 10_000;

    private final int perMinute;
    private final LongSupplier nanoTime;
    private final Map<String, Deque<Long>> windows = new ConcurrentHashMap<>();

    /**
     * @param perMinute requests a client may make in any minute; 0 or less: no limit
     */
    public RateLimiter(int perMinute) {
        this(perMinute, System::nanoTime);
    }

    RateLimiter(int perMinute, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.nanoTime = nanoTime;
    }

    public int perMinute() {
        return perMinute;
    }

    /** Counts a request; empty when allowed, else how long until the client may try again. */
    public Optional<Duration> acquire(String client) {
        if (perMinute <= 0) {
            return Optional.empty();
        }
        long now = nanoTime.getAsLong();
        if (windows.size() > MAX_TRACKED_CLIENTS) {
            forgetIdle(now);
        }
        Deque<Long> window = windows.computeIfAbsent(client, c -> new ArrayDeque<>());
        synchronized (window) {
            while (!window.isEmpty() && now - window.peekFirst() >= WINDOW_NANOS) {
                window.pollFirst();
            }
            if (window.size() >= perMinute) {
                long wait = WINDOW_NANOS - (now - window.peekFirst());
                return Optional.of(Duration.ofNanos(Math.max(wait, 0)));
            }
            window.addLast(now);
            return Optional.empty();
        }
    }

    private void forgetIdle(long now) {
        windows.entrySet()
                .removeIf(
                        e -> {
                            synchronized (e.getValue()) {
                                Long last = e.getValue().peekLast();
                                return last == null || now - last >= WINDOW_NANOS;
                            }
                        });
    }
}
