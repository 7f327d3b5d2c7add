package io.pillsnap.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Files left out of a run and why: unreadable images and labels are counted and reported, never
 * fatal. Thread-safe.
 */
public final class SkipReport {

    /** Why a file was skipped. */
    public enum Reason {
        /** A label file that does not parse or names no image or drug. */
        BAD_LABEL,
        /** A label file whose photo is not there. */
        MISSING_IMAGE,
        /** A photo that no label file names. */
        MISSING_LABEL,
        /** A photo that does not decode. */
        UNREADABLE_IMAGE
    }

    private static final int EXAMPLES = 20;

    private final Map<Reason, Integer> counts = new TreeMap<>();
    private final Map<Reason, List<String>> examples = new TreeMap<>();

    public synchronized void skip(Reason reason, Path file, String detail) {
        counts.merge(reason, 1, Integer::sum);
        List<String> list = examples.computeIfAbsent(reason, r -> new ArrayList<>());
        if (list.size() < EXAMPLES) {
            list.add(file + (detail == null ? "" : ": " + detail));
        }
    }

    /** Adds the counts and examples of {@code other}. */
    public void addAll(SkipReport other) {
        Map<Reason, Integer> otherCounts;
        Map<Reason, List<String>> otherExamples;
        synchronized (other) {
            otherCounts = new TreeMap<>(other.counts);
            otherExamples = new TreeMap<>(other.examples);
        }
        synchronized (this) {
            otherCounts.forEach((reason, n) -> counts.merge(reason, n, Integer::sum));
            otherExamples.forEach(
                    (reason, files) -> {
                        List<String> list =
                                examples.computeIfAbsent(reason, r -> new ArrayList<>());
                        files.stream().limit(EXAMPLES - list.size()).forEach(list::add);
                    });
        }
    }

    public synchronized int count(Reason reason) {
        return counts.getOrDefault(reason, 0);
    }

    public synchronized int total() {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** As written to report/skipped.json. */
    public synchronized Map<String, Object> toJson() {
        Map<String, Object> json = new TreeMap<>();
        json.put("total", total());
        json.put("counts", new TreeMap<>(counts));
        json.put("examples", new TreeMap<>(examples));
        return json;
    }

    @Override
    public synchronized String toString() {
        return total() == 0 ? "none" : counts.toString();
    }
}
