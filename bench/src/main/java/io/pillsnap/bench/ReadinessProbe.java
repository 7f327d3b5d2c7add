package io.pillsnap.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks {@code GET /readyz} every 50 ms on its own connection while a load runs, as a kubelet's
 * readiness probe would (its default timeout is 1 s), and sums up what it answered.
 */
class ReadinessProbe implements AutoCloseable {

    /** No probe: {@link #summary()} is null. */
    static final ReadinessProbe NONE = new ReadinessProbe();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Double> millis = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private Thread thread;

    private ReadinessProbe() {}

    static ReadinessProbe start(int port) {
        ReadinessProbe probe = new ReadinessProbe();
        probe.thread =
                new Thread(
                        () -> {
                            try (HttpConnection connection = new HttpConnection(port)) {
                                while (probe.running.get()) {
                                    probe.ask(connection);
                                    Thread.sleep(50);
                                }
                            } catch (Exception e) {
                                synchronized (probe) {
                                    probe.failures.add(e.toString());
                                }
                            }
                        },
                        "readyz-probe");
        probe.thread.setDaemon(true);
        probe.thread.start();
        return probe;
    }

    private void ask(HttpConnection connection) {
        long t0 = System.nanoTime();
        String failure = null;
        try {
            HttpConnection.Answer answer = connection.send("GET", "/readyz", null, null);
            if (answer.status() != 200) {
                failure = "HTTP " + answer.status() + " " + answer.body();
            }
        } catch (Exception e) {
            failure = e.toString();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        synchronized (this) {
            millis.add(ms);
            if (failure != null) {
                failures.add(failure);
            }
        }
    }

    /** How many probes answered 200, and how fast; null without a probe. */
    synchronized String summary() {
        if (thread == null) {
            return null;
        }
        double[] values = millis.stream().mapToDouble(Double::doubleValue).toArray();
        LatencySummary l = LatencySummary.of(values, 1);
        return String.format(
                Locale.ROOT,
                "/readyz %d of %d answered 200 (p50 %.2f ms, p99 %.2f ms, slowest %.2f ms)%s",
                values.length - failures.size(),
                values.length,
                l.p50Ms(),
                l.p99Ms(),
                values.length == 0
                        ? Double.NaN
                        : java.util.Arrays.stream(values).max().orElseThrow(),
                failures.isEmpty()
                        ? ""
                        : "; failures: " + failures.subList(0, Math.min(3, failures.size())));
    }

    @Override
    public void close() throws InterruptedException {
        if (thread != null) {
            running.set(false);
            thread.join(5_000);
        }
    }
}
