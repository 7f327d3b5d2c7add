package io.pillsnap.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the same photo to one prediction path (e.g. {@code /v1/predict?topK=5}) from {@code
 * concurrency} client threads, each on its own kept-alive connection, until {@code requests}
 * answers are in, timing each from send to the last byte of the answer.
 */
final class HttpLoad {

    private static final String BOUNDARY = "pillsnap-bench-boundary";

    private final int port;
    private final String path;
    private final byte[] body;

    HttpLoad(int port, String path, byte[] photo) {
        this.port = port;
        this.path = path;
        this.body = multipart(photo);
    }

    /**
     * The timed answers. Any answer but 200 fails the run, since it would skew the figures; with
     * {@code overloadAllowed}, the server's documented overload answer (503) is counted instead.
     */
    Result run(int requests, int concurrency, boolean overloadAllowed) throws Exception {
        double[] millis = new double[requests];
        List<String> bodies = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(
                        pool.submit(
                                () -> {
                                    try (HttpConnection connection = new HttpConnection(port)) {
                                        for (int i = next.getAndIncrement();
                                                i < requests;
                                                i = next.getAndIncrement()) {
                                            long t0 = System.nanoTime();
                                            HttpConnection.Answer answer =
                                                    connection.send(
                                                            "POST",
                                                            path,
                                                            "multipart/form-data; boundary="
                                                                    + BOUNDARY,
                                                            body);
                                            millis[i] = (System.nanoTime() - t0) / 1e6;
                                            boolean ok = answer.status() == 200;
                                            if (!ok
                                                    && !(overloadAllowed
                                                            && answer.status() == 503)) {
                                                throw new IllegalStateException(
                                                        "HTTP "
                                                                + answer.status()
                                                                + ": "
                                                                + answer.body());
                                            }
                                            synchronized (bodies) {
                                                statuses.merge(answer.status(), 1, Integer::sum);
                                                if (ok) {
                                                    bodies.add(answer.body());
                                                }
                                            }
                                        }
                                    }
                                    return null;
                                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - started) / 1e6;
        return new Result(LatencySummary.of(millis, wall), millis, bodies, statuses);
    }

    /**
     * Client-side latencies (summed up, and each request's in the order they were sent), the 200
     * answers (for the server's own timings), answers by status.
     */
    record Result(
            LatencySummary latency,
            double[] millis,
            List<String> bodies,
            Map<Integer, Integer> statuses) {}

    private static byte[] multipart(byte[] photo) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                ("--"
                                + BOUNDARY
                                + "\r\nContent-Disposition: form-data; name=\"image\";"
                                + " filename=\"pill.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(photo);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
