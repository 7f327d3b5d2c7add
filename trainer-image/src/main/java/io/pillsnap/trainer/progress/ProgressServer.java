package io.pillsnap.trainer.progress;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pillsnap.api.trainer.TrainingProgress;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Serves a running trainer's progress: {@code /progress} (JSON, polled by the operator) and {@code
 * /metrics} (Prometheus gauges of the same numbers).
 */
public final class ProgressServer implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final AtomicReference<TrainingProgress> current;
    private final HttpServer server;

    private ProgressServer(AtomicReference<TrainingProgress> current, HttpServer server) {
        this.current = current;
        this.server = server;
    }

    /** Starts serving on {@code port} (0 picks a free one). */
    public static ProgressServer start(int port, TrainingProgress initial) {
        AtomicReference<TrainingProgress> current = new AtomicReference<>(initial);
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauges gauges = new Gauges(registry, current);
        gauges.add("epoch", "Epochs completed", TrainingProgress::epoch);
        gauges.add("epochs", "Epochs planned", TrainingProgress::epochs);
        gauges.add("loss", "Training loss, running mean", TrainingProgress::loss);
        gauges.add("learning_rate", "Learning rate", TrainingProgress::learningRate);
        gauges.add("images_per_second", "Training throughput", TrainingProgress::imagesPerSecond);
        gauges.add("best_top1", "Best validation top-1 so far", TrainingProgress::bestTop1);
        gauges.add(
                "eta_seconds",
                "Estimated seconds until training ends",
                TrainingProgress::etaSeconds);
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
            server.createContext(
                    "/progress",
                    exchange -> respond(exchange, JSON.writeValueAsBytes(current.get())));
            server.createContext("/metrics", new MetricsHandler(registry));
            server.setExecutor(
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread thread = new Thread(r, "progress-server");
                                thread.setDaemon(true);
                                return thread;
                            }));
            server.start();
            return new ProgressServer(current, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve progress on port " + port, e);
        }
    }

    public void update(TrainingProgress progress) {
        current.set(progress);
    }

    public TrainingProgress current() {
        return current.get();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The trainer's gauges, each read from the current snapshot (NaN where it has no value). */
    private record Gauges(PrometheusRegistry registry, AtomicReference<TrainingProgress> current) {

        void add(String name, String help, Function<TrainingProgress, Number> value) {
            GaugeWithCallback.builder()
                    .name("pillsnap_trainer_" + name)
                    .help(help)
                    .callback(
                            cb -> {
                                Number read = value.apply(current.get());
                                cb.call(read == null ? Double.NaN : read.doubleValue());
                            })
                    .register(registry);
        }
    }

    private static void respond(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
