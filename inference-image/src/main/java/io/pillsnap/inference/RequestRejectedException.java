package io.pillsnap.inference;

import java.time.Duration;

/**
 * A request the server refuses, with the code clients branch on and a detail a person can act on.
 * Thrown anywhere below the HTTP layer, which turns it into the error body.
 */
public final class RequestRejectedException extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;

    public RequestRejectedException(ErrorCode code, String detail) {
        this(code, detail, null);
    }

    public RequestRejectedException(ErrorCode code, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() {
        return code;
    }

    /** When the client may try again (429 and 503), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
