package io.pillsnap.inference;

import io.javalin.Javalin;
import io.pillsnap.inference.config.ServerCommand;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.inference.http.HttpApi;
import io.pillsnap.inference.metrics.ServingMetrics;
import io.pillsnap.inference.model.ManifestLoader;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.predict.InferenceSlots;
import io.pillsnap.inference.predict.Predictor;
import io.pillsnap.inference.warmup.Warmup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inference server: serves one verified run folder's ONNX classifier over HTTP. Starts
 * listening first (liveness answers at once), then loads the model; readiness follows the model.
 */
public final class InferenceServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InferenceServer.class);

    private final Javalin app;
    private final ModelRegistry models;
    private final Path spoolDirectory;

    private InferenceServer(Javalin app, ModelRegistry models, Path spoolDirectory) {
        this.app = app;
        this.models = models;
        this.spoolDirectory = spoolDirectory;
    }

    public static void main(String[] args) {
        System.exit(ServerCommand.commandLine().execute(args));
    }

    public static InferenceServer start(ServerSettings settings) {
        ModelRegistry models = new ModelRegistry(new ManifestLoader(settings.threads()));
        ServingMetrics metrics = new ServingMetrics(new PrometheusRegistry());
        InferenceSlots slots =
                new InferenceSlots(settings.maxConcurrentInferences(), settings.queueTimeout());
        metrics.watch(models, slots);
        Predictor predictor = new Predictor(models, slots, settings.maxPixels(), metrics);
        Warmup warmup = new Warmup(settings.warmupRequests());
        // the warm-up's photos go through a predictor whose metrics are read by no one
        Predictor warmupPredictor =
                new Predictor(
                        models,
                        slots,
                        settings.maxPixels(),
                        new ServingMetrics(new PrometheusRegistry()));
        Path spool;
        try {
            spool = Files.createTempDirectory("pillsnap-uploads");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a folder for spooled uploads", e);
        }
        Javalin app =
                HttpApi.create(
                        settings,
                        models,
                        new HttpApi.Predictors(predictor, warmupPredictor, warmup),
                        metrics,
                        spool);
        app.start(settings.port());
        log.info(
                "listening on port {}: {} inference slot(s), {} ONNX Runtime thread(s) each,"
                        + " uploads up to {} bytes, {} requests per key per minute",
                app.port(),
                settings.maxConcurrentInferences(),
                settings.threads() == 0 ? "all" : settings.threads(),
                settings.maxUploadBytes(),
                settings.rateLimitPerMinute() == 0 ? "unlimited" : settings.rateLimitPerMinute());
        log.info(Predictor.jpegDecoder());
        log.info(Predictor.pngDecoder());
        if (settings.apiKeys().enabled()) {
            log.info("API key authentication on: {} key(s)", settings.apiKeys().size());
        } else {
            log.warn(
                    "API KEY AUTHENTICATION IS OFF: no keys in /var/run/secrets/pillsnap/api-keys,"
                            + " --api-keys-file or PILLSNAP_API_KEYS; anyone who reaches port {}"
                            + " can use the model and /reload",
                    app.port());
        }
        models.loadInitial(settings.modelDir())
                .ifPresentOrElse(
                        model -> warmup.run(app.port(), model.detector().isPresent()),
                        warmup::skip);
        return new InferenceServer(app, models, spool);
    }

    public int port() {
        return app.port();
    }

    public ModelRegistry models() {
        return models;
    }

    @Override
    public void close() {
        app.stop();
        models.close();
        try (var files = Files.list(spoolDirectory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(spoolDirectory);
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", spoolDirectory, e.getMessage());
        }
    }
}
