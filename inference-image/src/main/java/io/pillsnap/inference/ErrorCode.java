package io.pillsnap.inference;

import java.util.Locale;

/**
 * Every way a request can be refused, with its HTTP status. The code is part of the API: clients
 * branch on it, so a code is never renamed. Error bodies are {@code {"detail", "code"}} as in the
 * original system.
 */
public enum ErrorCode {
    EMPTY_BODY(400),
    MALFORMED_REQUEST(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    NOT_AN_IMAGE(415),
    MISSING_FIELD(422),
    UNREADABLE_IMAGE(422),
    IMAGE_TOO_LARGE(422),
    TOO_MANY_IMAGES(422),
    UNSUPPORTED_MODE(422),
    NO_DETECTOR(422),
    INVALID_PARAMETER(422),
    RELOAD_FAILED(422),
    RATE_LIMITED(429),
    INTERNAL_ERROR(500),
    MODEL_NOT_READY(503),
    OVERLOADED(503);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The code as clients see it: {@code not_an_image}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
