package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pillsnap.api.text.Texts;
import java.util.Locale;

/** Live progress of a training run, polled from the trainer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressStatus(
        @JsonPropertyDescription("Epochs completed.") Integer epoch,
        @JsonPropertyDescription("Epochs planned.") Integer epochs,
        @JsonPropertyDescription("epoch/epochs, for kubectl get.") String display,
        @JsonPropertyDescription("Best validation top-1 so far.") Double bestTop1,
        @JsonPropertyDescription("Estimated seconds until training ends.") Long etaSeconds,
        @JsonPropertyDescription("When the trainer last reported (RFC 3339).") String updated,
        @JsonPropertyDescription("Percent done, best top-1 so far and time to go, for kubectl get.")
                String summary) {

    /** Progress with its display and summary columns filled in. */
    public static ProgressStatus of(
            Integer epoch, Integer epochs, Double bestTop1, Long etaSeconds, String updated) {
        String display = epoch == null || epochs == null ? null : epoch + "/" + epochs;
        StringBuilder summary = new StringBuilder();
        if (epoch != null && epochs != null && epochs > 0) {
            summary.append(Math.min(100, Math.round(100.0 * epoch / epochs))).append('%');
        }
        if (bestTop1 != null) {
            append(summary, String.format(Locale.ROOT, "top-1 %.3f", bestTop1));
        }
        if (etaSeconds != null && etaSeconds > 0) {
            append(summary, "ETA " + Texts.duration(etaSeconds));
        }
        return new ProgressStatus(
                epoch,
                epochs,
                display,
                bestTop1,
                etaSeconds,
                updated,
                summary.isEmpty() ? null : summary.toString());
    }

    private static void append(StringBuilder summary, String part) {
        if (!summary.isEmpty()) {
            summary.append(", ");
        }
        summary.append(part);
    }
}
