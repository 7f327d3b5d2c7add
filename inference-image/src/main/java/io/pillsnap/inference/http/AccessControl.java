package io.pillsnap.inference.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.auth.ApiKeys;
import io.pillsnap.inference.auth.RateLimiter;
import java.time.Duration;

/**
 * Guards the protected endpoints: a known key in {@code X-API-Key} or {@code Authorization: Bearer}
 * (401 otherwise), then the per-key rate limit (429 with Retry-After). With no keys configured
 * everyone passes and the limit applies per client address.
 */
final class AccessControl implements Handler {

    private final ApiKeys keys;
    private final RateLimiter limiter;

    AccessControl(ApiKeys keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    @Override
    public void handle(Context ctx) {
        if (HttpApi.isWarmup(ctx)) {
            return; // the server's own request (Warmup): no key, no share of any limit
        }
        String key = presentedKey(ctx);
        ctx.attribute(HttpApi.KEY_ATTRIBUTE, ApiKeys.mask(key));
        String client;
        if (keys.enabled()) {
            if (!keys.accepts(key)) {
                ctx.header("WWW-Authenticate", "ApiKey header=\"X-API-Key\"");
                throw new RequestRejectedException(
                        ErrorCode.UNAUTHORIZED,
                        key == null
                                ? "this endpoint needs an API key in the X-API-Key header"
                                : "the API key is not valid");
            }
            client = "key:" + key;
        } else {
            client = "ip:" + ctx.ip();
        }
        limiter.acquire(client)
                .ifPresent(
                        wait -> {
                            throw new RequestRejectedException(
                                    ErrorCode.RATE_LIMITED,
                                    "more than "
                                            + limiter.perMinute()
                                            + " requests in a minute; retry in "
                                            + seconds(wait)
                                            + " s",
                                    wait);
                        });
    }

    private static String presentedKey(Context ctx) {
        String key = ctx.header("X-API-Key");
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        return null;
    }

    static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
