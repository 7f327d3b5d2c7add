package io.pillsnap.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The operator's HTTP endpoints: /healthz (liveness: informers healthy), /readyz (readiness:
 * controllers started) and /metrics (Prometheus).
 */
public final class OperatorHttpServer implements AutoCloseable {

    private final HttpServer server;

    private OperatorHttpServer(HttpServer server) {
        this.server = server;
    }

    public static OperatorHttpServer start(int port, Operator operator, PrometheusRegistry registry)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext(
                "/healthz",
                exchange -> {
                    boolean healthy = operator.getRuntimeInfo().allEventSourcesAreHealthy();
                    respond(
                            exchange,
                            healthy ? 200 : 503,
                            healthy
                                    ? "ok"
                                    : "unhealthy event sources: "
                                            + operator.getRuntimeInfo().unhealthyEventSources());
                });
        server.createContext(
                "/readyz",
                exchange -> {
                    boolean started = operator.getRuntimeInfo().isStarted();
                    respond(exchange, started ? 200 : 503, started ? "ok" : "starting");
                });
        server.createContext("/metrics", new MetricsHandler(registry));
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return new OperatorHttpServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void respond(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
