package io.pillsnap.inference.http;

import io.javalin.http.Context;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.predict.Mode;
import io.pillsnap.inference.predict.Predictor;
import java.util.Locale;

/** Query parameters shared by the two APIs, validated with errors that name the allowed values. */
final class RequestParams {

    static final int MAX_TOP_K = 100;

    private RequestParams() {}

    static Mode mode(Context ctx) {
        String value = ctx.queryParam("mode");
        ctx.attribute(HttpApi.MODE_ATTRIBUTE, value == null ? Mode.SINGLE.wireName() : value);
        Mode mode;
        if (value == null || value.isBlank()) {
            mode = Mode.SINGLE;
        } else {
            mode =
                    switch (value.strip().toLowerCase(Locale.ROOT)) {
                        case "single" -> Mode.SINGLE;
                        case "combo" -> Mode.COMBO;
                        default ->
                                throw new RequestRejectedException(
                                        ErrorCode.UNSUPPORTED_MODE,
                                        "mode must be single or combo, not '" + value + "'");
                    };
        }
        ctx.attribute(HttpApi.MODE_ATTRIBUTE, mode.wireName());
        return mode;
    }

    /** Refuses combination mode while the served model has no detector. */
    static void requireDetector(Mode mode, ModelRegistry models) {
        if (mode != Mode.COMBO) {
            return;
        }
        models.current()
                .filter(m -> m.detector().isEmpty())
                .ifPresent(
                        m -> {
                            throw Predictor.noDetector(m.version());
                        });
    }

    static int topK(Context ctx, int defaultTopK) {
        return intParam(ctx, "topK", defaultTopK, 1, MAX_TOP_K);
    }

    static int intParam(Context ctx, String name, int defaultValue, int min, int max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RequestRejectedException(
                ErrorCode.INVALID_PARAMETER,
                name
                        + " must be a whole number from "
                        + min
                        + " to "
                        + max
                        + ", not '"
                        + value
                        + "'");
    }

    static double confThreshold(Context ctx) {
        String value = ctx.queryParam("conf_threshold");
        if (value == null || value.isBlank()) {
            return 0.3;
        }
        try {
            double parsed = Double.parseDouble(value.strip());
            if (parsed >= 0 && parsed <= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RequestRejectedException(
                ErrorCode.INVALID_PARAMETER,
                "conf_threshold must be a number from 0 to 1, not '" + value + "'");
    }
}
