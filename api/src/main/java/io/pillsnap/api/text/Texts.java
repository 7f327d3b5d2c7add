package io.pillsnap.api.text;

import java.util.Locale;
import java.util.Objects;

/** How every component words durations and failures for people. */
public final class Texts {

    private Texts() {}

    /** 45 -> 45s, 95 -> 1m35s, 7300 -> 2h01m. */
    public static String duration(long seconds) {
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return seconds + "s";
    }

    /**
     * The message of the innermost cause, which names what went wrong; its type when it has none.
     */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Objects.requireNonNullElse(root.getMessage(), root.getClass().getSimpleName());
    }
}
