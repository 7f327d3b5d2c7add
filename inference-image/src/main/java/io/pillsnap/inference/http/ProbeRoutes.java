package io.pillsnap.inference.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.metrics.ServingMetrics;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.warmup.Warmup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * What Kubernetes, Prometheus and people look at: liveness, readiness, metrics, the OpenAPI
 * description and the upload page. All public.
 */
final class ProbeRoutes {

    static final String HEALTHZ = "/healthz";
    static final String READYZ = "/readyz";
    static final String METRICS = "/metrics";
    static final String OPENAPI = "/openapi.json";
    static final String PAGE = "/";

    private static final String RESOURCES = "/io/pillsnap/inference/web/";

    private final ModelRegistry models;
    private final ServingMetrics metrics;
    private final Warmup warmup;
    private final byte[] openApi = resource("openapi.json");
    private final byte[] page = resource("index.html");

    ProbeRoutes(ModelRegistry models, ServingMetrics metrics, Warmup warmup) {
        this.models = models;
        this.metrics = metrics;
        this.warmup = warmup;
    }

    void register(Javalin app) {
        app.get(HEALTHZ, ctx -> ctx.json(new Probe("ok", null, null, null)));
        app.get(READYZ, this::ready);
        app.get(METRICS, this::metrics);
        app.get(OPENAPI, ctx -> ctx.contentType("application/json").result(openApi));
        app.get(PAGE, this::page);
    }

    /**
     * 200 while a verified model is served and the warm-up is over; 503 with the reason (say, a
     * checksum mismatch).
     */
    private void ready(Context ctx) {
        String reason = models.unreadyReason();
        if (reason == null) {
            reason = warmup.pendingReason();
        }
        if (reason == null) {
            ctx.json(
                    new Probe(
                            "ready",
                            models.current().map(m -> m.version()).orElse(null),
                            null,
                            null));
        } else {
            ctx.status(503)
                    .json(new Probe("unready", null, reason, ErrorCode.MODEL_NOT_READY.code()));
        }
    }

    private void metrics(Context ctx) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        ctx.contentType(metrics.contentType()).result(out.toByteArray());
    }

    private void page(Context ctx) {
        ctx.header(
                        "Content-Security-Policy",
                        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self'"
                                + " 'unsafe-inline'; img-src 'self' blob: data:")
                .contentType("text/html; charset=utf-8")
                .result(page);
    }

    private static byte[] resource(String name) {
        try (InputStream in = ProbeRoutes.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCES + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Probe answers; unready ones carry the error fields of the API as well. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Probe(String status, String model, String detail, String code) {}
}
