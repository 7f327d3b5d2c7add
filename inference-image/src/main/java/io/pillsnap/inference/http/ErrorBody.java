package io.pillsnap.inference.http;

/** Every error the API answers, as in the original system: {@code {"detail", "code"}}. */
public record ErrorBody(String detail, String code) {}
