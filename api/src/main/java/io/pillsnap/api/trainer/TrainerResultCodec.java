package io.pillsnap.api.trainer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.v1alpha1.spec.Metric;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes and reads the trainer's termination message. Reading never throws: anything that is not a
 * complete, sane result comes back as {@link Decoded.Unreadable} with the reason.
 */
public final class TrainerResultCodec {

    /** Kubernetes keeps at most 4096 bytes of a termination message. */
    public static final int MAX_BYTES = 4096;

    private static final int EXCERPT_CHARS = 80;
    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private TrainerResultCodec() {}

    /** The outcome of reading a termination message. */
    public sealed interface Decoded {
        record Readable(TrainerResult result) implements Decoded {}

        record Unreadable(String reason) implements Decoded {}
    }

    /**
     * @throws IllegalArgumentException when the JSON would exceed {@link #MAX_BYTES}
     */
    public static String encode(TrainerResult result) {
        String json;
        try {
            json = MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise trainer result", e);
        }
        int bytes = json.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException(
                    "trainer result is "
                            + bytes
                            + " bytes, over the "
                            + MAX_BYTES
                            + " bytes Kubernetes keeps of a termination message");
        }
        return json;
    }

    public static Decoded decode(String message) {
        if (message == null || message.isBlank()) {
            return new Decoded.Unreadable("the trainer left no termination message");
        }
        int bytes = message.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return new Decoded.Unreadable(
                    "termination message is " + bytes + " bytes, over " + MAX_BYTES);
        }
        TrainerResult result;
        try {
            result = MAPPER.readValue(message, TrainerResult.class);
        } catch (JsonProcessingException e) {
            return new Decoded.Unreadable(
                    "termination message is not a trainer result ("
                            + e.getOriginalMessage()
                            + "); it starts with '"
                            + excerpt(message)
                            + "'");
        }
        return validate(result);
    }

    private static Decoded validate(TrainerResult result) {
        if (result.schema() != TrainerResult.SCHEMA) {
            return new Decoded.Unreadable(
                    "trainer result has schema "
                            + result.schema()
                            + " but this operator reads schema "
                            + TrainerResult.SCHEMA
                            + ": use a trainer image of the operator's version");
        }
        if (result.outcome() == null) {
            return new Decoded.Unreadable("trainer result has no outcome");
        }
        String invalid = invalidMetric(result.metrics(), "");
        if (invalid == null && result.test() != null) {
            invalid = invalidMetric(result.test(), "test ");
        }
        return invalid == null ? new Decoded.Readable(result) : new Decoded.Unreadable(invalid);
    }

    /** Why a metric of {@code metrics} is not sane, or null when all are. */
    private static String invalidMetric(Map<String, Double> metrics, String prefix) {
        for (Map.Entry<String, Double> entry : metrics.entrySet()) {
            Double value = entry.getValue();
            if (value == null || !Double.isFinite(value) || value < 0) {
                return "trainer result has an invalid value for "
                        + prefix
                        + "metric "
                        + entry.getKey()
                        + ": "
                        + value;
            }
            boolean fraction = Metric.byKey(entry.getKey()).map(Metric::isFraction).orElse(false);
            if (fraction && value > 1.0) {
                return "trainer result reports "
                        + prefix
                        + entry.getKey()
                        + " = "
                        + value
                        + ", outside [0, 1]";
            }
        }
        return null;
    }

    private static String excerpt(String message) {
        String oneLine = message.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= EXCERPT_CHARS
                ? oneLine
                : oneLine.substring(0, EXCERPT_CHARS) + "...";
    }
}
