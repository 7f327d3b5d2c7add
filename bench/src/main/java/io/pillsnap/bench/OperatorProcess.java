package io.pillsnap.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The operator as deployed: {@code java -jar pillsnap-operator.jar} in its own JVM, configured by
 * environment variables, its output in a log file, read through its /metrics.
 */
final class OperatorProcess implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final HttpClient http = HttpClient.newHttpClient();

    private OperatorProcess(Process process, int httpPort) {
        this.process = process;
        this.httpPort = httpPort;
    }

    /**
     * @param environment the operator's settings (PILLSNAP_*, WATCH_NAMESPACES, KUBERNETES_*);
     *     PILLSNAP_HTTP_PORT is chosen here
     */
    static OperatorProcess start(
            Path jar, String maxHeap, Map<String, String> environment, Path log)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(
                    jar
                            + " does not exist: build it with mvn -B -o -q -pl operator -am package"
                            + " -DskipTests, or pass --operator-jar");
        }
        int httpPort = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder =
                new ProcessBuilder(java, "-Xmx" + maxHeap, "-jar", jar.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("PILLSNAP_HTTP_PORT", Integer.toString(httpPort));
        OperatorProcess operator = new OperatorProcess(builder.start(), httpPort);
        Runtime.getRuntime().addShutdownHook(new Thread(operator::close, "stop-operator"));
        return operator;
    }

    /** Waits until /readyz answers 200 (controllers started). */
    void awaitReady(Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the operator exited with " + process.exitValue() + ": see its log");
            }
            try {
                if (get("/readyz").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the operator was not ready within " + atMost);
    }

    /** Every sample of /metrics, keyed by name and labels as written: {@code name{a="b"}}. */
    Map<String, Double> metrics() {
        Map<String, Double> samples = new HashMap<>();
        for (String line : get("/metrics").body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = line.indexOf('{') >= 0 ? line.lastIndexOf('}') + 1 : line.indexOf(' ');
            try {
                samples.put(
                        line.substring(0, end), Double.parseDouble(line.substring(end).strip()));
            } catch (NumberFormatException e) {
                // +Inf and the like: not needed here
            }
        }
        return samples;
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    static double sum(Map<String, Double> samples, String name, String... labels) {
        double sum = 0;
        for (var sample : samples.entrySet()) {
            String key = sample.getKey();
            if (!key.equals(name) && !key.startsWith(name + "{")) {
                continue;
            }
            if (List.of(labels).stream().allMatch(key::contains)) {
                sum += sample.getValue();
            }
        }
        return sum;
    }

    /** Runs a full GC in the operator's JVM ({@code jcmd PID GC.run}) and waits for it. */
    void collectGarbage() throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process gc =
                new ProcessBuilder(jcmd, Long.toString(process.pid(), 10), "GC.run")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + process.pid() + " GC.run failed");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Lines of the operator's log at WARN and ERROR. */
    static List<String> warningsAndErrors(Path log) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.matches("^\\d{4}-\\d\\d-\\d\\d\\S* +(WARN|ERROR) .*")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Stops the operator (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
