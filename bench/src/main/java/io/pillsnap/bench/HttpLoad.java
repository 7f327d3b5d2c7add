package io.pillsnap.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the same photo to {@code POST /v1/predict} from {@code concurrency} client threads until
 * {@code requests} answers are in, timing each from send to the last byte of the answer.
 */
final class HttpLoad {

    private static final String BOUNDARY = "pillsnap-bench-boundary";

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI uri;
    private final byte[] body;

    HttpLoad(int port, byte[] photo) {
        this.uri = URI.create("http://localhost:" + port + "/v1/predict?topK=5");
        this.body = multipart(photo);
    }

    /** The timed answers; a non-200 answer fails the run, since it would skew the figures. */
    Result run(int requests, int concurrency) throws Exception {
        double[] millis = new double[requests];
        List<String> bodies = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(
                        pool.submit(
                                () -> {
                                    for (int i = next.getAndIncrement();
                                            i < requests;
                                            i = next.getAndIncrement()) {
                                        long t0 = System.nanoTime();
                                        HttpResponse<String> response = send();
                                        millis[i] = (System.nanoTime() - t0) / 1e6;
                                        if (response.statusCode() != 200) {
                                            throw new IllegalStateException(
                                                    "HTTP "
                                                            + response.statusCode()
                                                            + ": "
                                                            + response.body());
                                        }
                                        synchronized (bodies) {
                                            bodies.add(response.body());
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
        return new Result(LatencySummary.of(millis, wall), bodies);
    }

    /** Client-side latencies and the answers, for the server's own timings. */
    record Result(LatencySummary latency, List<String> bodies) {}

    private HttpResponse<String> send() throws IOException, InterruptedException {
        HttpRequest request =
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] multipart(byte[] photo) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                ("--"
                                + BOUNDARY
                                + "\r\nContent-Disposition: form-data; name=\"image\";"
                                + " filename=\"pill.png\"\r\nContent-Type: image/png\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(photo);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
