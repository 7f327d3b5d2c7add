package io.pillsnap.inference.warmup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the server sends itself before it reports ready, as TF Serving's and Triton's model
 * warm-up do. A fresh JVM loads classes and runs the request path interpreted: its first answer
 * took 28 ms in the server (48 ms at the client) and the next ones 8-16 ms, where a warm server
 * answers in about 4 (bench/README.md, "Warm-up"). So {@code /readyz} says "warming up" until
 * {@code --warmup-requests} photos have gone the whole way (HTTP, multipart, decoding, ONNX
 * Runtime, JSON), in turn through {@code /v1/predict}, combination mode when the model has a
 * detector, and the original API's {@code /predict}; and the pod joins its Service warm.
 *
 * <p>They carry a token that only this process knows ({@link #HEADER}), which spares them the API
 * key, the rate limit, the request log and every metric: dashboards count users' photos only. A
 * failed warm-up request is logged and ends the warm-up; it never keeps the server unready.
 */
public final class Warmup {

    /** The header carrying the process's token. */
    public static final String HEADER = "X-Pillsnap-Warmup";

    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    private static final String BOUNDARY = "pillsnap-warmup-boundary";

    private final int requests;
    private final byte[] token;
    private final String tokenText;
    private volatile String pending;

    /**
     * @param requests photos to send before the server is ready; 0: none
     */
    public Warmup(int requests) {
        if (requests < 0) {
            throw new IllegalArgumentException("warm-up requests must be >= 0, not " + requests);
        }
        this.requests = requests;
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.tokenText = HexFormat.of().formatHex(random);
        this.token = tokenText.getBytes(StandardCharsets.US_ASCII);
        this.pending = requests > 0 ? "warming up: 0 of " + requests + " requests sent" : null;
    }

    /** Whether a request's header value is this process's token. */
    public boolean isWarmup(String headerValue) {
        return headerValue != null
                && MessageDigest.isEqual(token, headerValue.getBytes(StandardCharsets.US_ASCII));
    }

    /** Why the server is not ready yet, or null once the warm-up is over. */
    public String pendingReason() {
        return pending;
    }

    /** Gives up the warm-up (no model to warm): readiness follows the model alone. */
    public void skip() {
        pending = null;
    }

    /**
     * Sends the warm-up requests to the server on {@code port} and then lets readiness follow the
     * model alone.
     *
     * @param combo whether the served model has a detector (one request in three then in
     *     combination mode)
     */
    public void run(int port, boolean combo) {
        if (requests == 0) {
            return;
        }
        long started = System.nanoTime();
        int sent = 0;
        try {
            byte[] body = multipart(SyntheticPhoto.jpegWithoutImprint(976, 1280));
            HttpClient client =
                    HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<String> paths =
                    combo
                            ? List.of("/v1/predict", "/v1/predict?mode=combo", "/predict")
                            : List.of("/v1/predict", "/predict");
            for (; sent < requests; sent++) {
                pending = "warming up: " + sent + " of " + requests + " requests sent";
                String path = paths.get(sent % paths.size());
                HttpRequest request =
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(30))
                                .header(HEADER, tokenText)
                                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build();
                HttpResponse<String> answer =
                        client.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    log.warn(
                            "warm-up stopped after {} of {} requests: {} answered {} {}",
                            sent,
                            requests,
                            path,
                            answer.statusCode(),
                            answer.body());
                    return;
                }
            }
            log.info(
                    "warmed up: {} requests in {} ms",
                    requests,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException | LinkageError e) {
            // never keeps the server from serving: its users' first requests are slower, no more
            log.warn("warm-up stopped after {} of {} requests: {}", sent, requests, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pending = null;
        }
    }

    private static byte[] multipart(byte[] photo) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(photo.length + 256);
        out.write(
                ("--"
                                + BOUNDARY
                                + "\r\nContent-Disposition: form-data; name=\"image\";"
                                + " filename=\"warmup.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        out.write(photo);
        out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
