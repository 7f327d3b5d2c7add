package io.pillsnap.inference.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.auth.RateLimiter;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.inference.metrics.ServingMetrics;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.predict.Predictor;
import io.pillsnap.inference.warmup.Warmup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the server: Javalin with both APIs and the probes, one error shape for every
 * refusal, body-size checks before any upload is read, and one log line per request.
 */
public final class HttpApi {

    static final String KEY_ATTRIBUTE = "pillsnap.key";
    static final String MODE_ATTRIBUTE = "pillsnap.mode";
    static final String WARMUP_ATTRIBUTE = "pillsnap.warmup";
    static final String REQUEST_ID = "X-Request-Id";

    /** Room for multipart boundaries and headers around one photo. */
    private static final long MULTIPART_OVERHEAD = 64 * 1024;

    private static final Pattern SAFE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Set<String> QUIET =
            Set.of(ProbeRoutes.HEALTHZ, ProbeRoutes.READYZ, ProbeRoutes.METRICS);
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);

    private HttpApi() {}

    /**
     * The predictor users' requests go to, and the one for the server's own warm-up requests (its
     * metrics read by no one), told apart by the warm-up's token.
     */
    public record Predictors(Predictor users, Predictor warmupPredictor, Warmup warmup) {

        Predictor of(Context ctx) {
            return isWarmup(ctx) ? warmupPredictor : users;
        }
    }

    static boolean isWarmup(Context ctx) {
        return ctx.attribute(WARMUP_ATTRIBUTE) != null;
    }

    public static Javalin create(
            ServerSettings settings,
            ModelRegistry models,
            Predictors predictors,
            ServingMetrics metrics,
            Path spoolDirectory) {
        ObjectMapper json = new ObjectMapper();
        Javalin app =
                Javalin.create(
                        config -> {
                            config.showJavalinBanner = false;
                            config.startupWatcherEnabled = false;
                            config.jsonMapper(new JavalinJackson(json, false));
                            config.http.maxRequestSize = settings.maxBatchBytes();
                            config.jetty.modifyHttpConfiguration(
                                    http -> {
                                        http.setIdleTimeout(settings.requestTimeout().toMillis());
                                        http.setSendServerVersion(false);
                                    });
                            config.requestLogger.http(
                                    (ctx, millis) -> requestDone(ctx, millis, metrics));
                        });
        ImageUploads uploads =
                new ImageUploads(
                        settings.maxUploadBytes(), settings.maxBatchBytes(), spoolDirectory);
        AccessControl access =
                new AccessControl(
                        settings.apiKeys(), new RateLimiter(settings.rateLimitPerMinute()));

        app.before(
                ctx -> {
                    if (predictors.warmup().isWarmup(ctx.header(Warmup.HEADER))) {
                        ctx.attribute(WARMUP_ATTRIBUTE, Boolean.TRUE);
                    }
                    requestId(ctx);
                });
        for (String path : V1Routes.PROTECTED) {
            app.before(path, access);
        }
        for (String path : LegacyRoutes.PROTECTED) {
            app.before(path, access);
        }
        long single = settings.maxUploadBytes() + MULTIPART_OVERHEAD;
        for (String path : List.of(V1Routes.PREDICT, LegacyRoutes.PREDICT)) {
            app.before(path, ctx -> checkDeclaredLength(ctx, single));
        }
        for (String path : List.of(V1Routes.PREDICT_BATCH, LegacyRoutes.BATCH)) {
            app.before(path, ctx -> checkDeclaredLength(ctx, settings.maxBatchBytes()));
        }

        new V1Routes(settings, models, predictors, uploads).register(app);
        new LegacyRoutes(settings, models, predictors, uploads, metrics, json).register(app);
        new ProbeRoutes(models, metrics, predictors.warmup()).register(app);

        app.exception(
                RequestRejectedException.class,
                (e, ctx) -> reject(ctx, e.code(), e.getMessage(), e.retryAfter(), metrics));
        app.exception(
                HttpResponseException.class,
                (e, ctx) -> reject(ctx, codeOf(e.getStatus()), detailOf(e, ctx), null, metrics));
        app.exception(
                Exception.class,
                (e, ctx) -> {
                    log.error(
                            "{} {} failed (request {})",
                            ctx.method(),
                            ctx.path(),
                            ctx.attribute(REQUEST_ID),
                            e);
                    reject(
                            ctx,
                            ErrorCode.INTERNAL_ERROR,
                            "internal error (request "
                                    + ctx.attribute(REQUEST_ID)
                                    + "); the server log has the details",
                            null,
                            metrics);
                });
        return app;
    }

    /** Refuses an upload by its Content-Length, before a byte of it is read. */
    private static void checkDeclaredLength(Context ctx, long limit) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw new RequestRejectedException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the request body is "
                            + declared
                            + " bytes, over the limit of "
                            + limit
                            + " bytes (--max-upload-bytes per photo, --max-batch-bytes per"
                            + " batch): send a smaller JPEG");
        }
    }

    private static void requestId(Context ctx) {
        String id = ctx.header(REQUEST_ID);
        if (id == null || !SAFE_REQUEST_ID.matcher(id).matches()) {
            id = UUID.randomUUID().toString();
        }
        ctx.attribute(REQUEST_ID, id);
        ctx.header(REQUEST_ID, id);
    }

    private static void reject(
            Context ctx,
            ErrorCode code,
            String detail,
            Duration retryAfter,
            ServingMetrics metrics) {
        metrics.rejected(code.code());
        if (retryAfter != null) {
            ctx.header("Retry-After", String.valueOf(AccessControl.seconds(retryAfter)));
        }
        if (code.status() == 413) {
            // the rest of the upload is not read: close rather than drain it
            ctx.header("Connection", "close");
        }
        ctx.status(code.status()).json(new ErrorBody(detail, code.code()));
    }

    private static ErrorCode codeOf(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED;
            case 404, 405 -> ErrorCode.NOT_FOUND;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.OVERLOADED;
            default -> status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.MALFORMED_REQUEST;
        };
    }

    private static String detailOf(HttpResponseException e, Context ctx) {
        if (e.getStatus() == 404) {
            return "no endpoint "
                    + ctx.method()
                    + " "
                    + ctx.path()
                    + "; see /openapi.json for the API";
        }
        return e.getMessage();
    }

    private static void requestDone(Context ctx, float millis, ServingMetrics metrics) {
        if (isWarmup(ctx)) {
            return;
        }
        String endpoint = endpoint(ctx);
        metrics.requestServed(endpoint, ctx.method().name(), ctx.statusCode(), millis / 1000.0);
        if (QUIET.contains(endpoint) && ctx.statusCode() < 400) {
            log.debug("{} {} {} {} ms", ctx.method(), ctx.path(), ctx.statusCode(), millis);
            return;
        }
        log.info(
                "{} {} {} {} ms mode={} key={} ip={} id={}",
                ctx.method(),
                ctx.path(),
                ctx.statusCode(),
                Math.round(millis * 10) / 10.0,
                orDash(ctx.attribute(MODE_ATTRIBUTE)),
                orDash(ctx.attribute(KEY_ATTRIBUTE)),
                ctx.ip(),
                orDash(ctx.attribute(REQUEST_ID)));
    }

    /** The route pattern, so metrics do not get a label per unknown path. */
    private static String endpoint(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || ctx.statusCode() == 404 ? "unmatched" : path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }
}
