package io.pillsnap.inference.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Real HTTP against a test server: JSON and multipart requests, and a raw socket when needed. */
public final class TestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private String apiKey;

    public TestClient(int port, String apiKey) {
        this.port = port;
        this.apiKey = apiKey;
    }

    /** A client of the same server presenting another key, or none (null). */
    public TestClient withKey(String key) {
        return new TestClient(port, key);
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response getWithBearer(String path, String token) {
        return send(request(path).header("Authorization", "Bearer " + token).GET());
    }

    public Response postJson(String path, String json) {
        return send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response postRaw(String path, byte[] body, String contentType) {
        HttpRequest.Builder request =
                request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    public Response postParts(String path, List<Part> parts) {
        String boundary = "pillsnap-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            body.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            String disposition = "Content-Disposition: form-data; name=\"" + part.name() + "\"";
            if (part.filename() != null) {
                disposition += "; filename=\"" + part.filename() + "\"";
            }
            body.writeBytes((disposition + "\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(
                    ("Content-Type: " + part.contentType() + "\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(
                request(path)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    public Response postImage(String path, String field, byte[] image) {
        return postParts(path, List.of(Part.png(field, "pill.png", image)));
    }

    /**
     * Sends headers declaring a {@code declaredLength} body but only {@code sentBytes} of it, and
     * reads the answer: the server must refuse without waiting for the rest.
     */
    public Response postDeclaringLength(String path, long declaredLength, int sentBytes) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head =
                    new StringBuilder()
                            .append("POST ")
                            .append(path)
                            .append(" HTTP/1.1\r\nHost: localhost\r\n")
                            .append("Content-Type: image/png\r\n")
                            .append("Content-Length: ")
                            .append(declaredLength)
                            .append("\r\n");
            if (apiKey != null) {
                head.append("X-API-Key: ").append(apiKey).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[sentBytes]);
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            if (response.toLowerCase().contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf('}') + 1);
            }
            return new Response(status, body, List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .timeout(Duration.ofSeconds(30));
        if (apiKey != null) {
            builder.header("X-API-Key", apiKey);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            List<String> retryAfter = new ArrayList<>(response.headers().allValues("Retry-After"));
            return new Response(response.statusCode(), response.body(), retryAfter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One part of a multipart body. */
    public record Part(String name, String filename, String contentType, byte[] bytes) {
        public static Part png(String name, String filename, byte[] bytes) {
            return new Part(name, filename, "image/png", bytes);
        }
    }

    /** Status and body of an answer. */
    public record Response(int status, String body, List<String> retryAfter) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }
    }
}
