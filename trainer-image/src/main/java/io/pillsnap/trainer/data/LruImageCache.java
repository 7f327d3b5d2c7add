package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.RgbImage;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded pictures by index, at most {@code budget} bytes of pixels, the least recently used
 * dropped first. Safe for the loader's threads: lookups and insertions lock, decoding does not.
 */
public final class LruImageCache {

    private final long budget;
    private final LinkedHashMap<Integer, RgbImage> images = new LinkedHashMap<>(16, 0.75f, true);
    private long used;
    private long hits;
    private long misses;

    public LruImageCache(long budget) {
        this.budget = Math.max(0, budget);
    }

    /** The picture, or null when it is not held (then counted as a miss). */
    public synchronized RgbImage get(int index) {
        RgbImage image = images.get(index);
        if (image == null) {
            misses++;
        } else {
            hits++;
        }
        return image;
    }

    /** Removes and returns the picture without counting a lookup; null when not held. */
    synchronized RgbImage take(int index) {
        RgbImage image = images.remove(index);
        if (image != null) {
            used -= bytes(image);
        }
        return image;
    }

    /** Holds the picture, dropping the least recently used ones over the budget. */
    public synchronized void put(int index, RgbImage image) {
        long bytes = bytes(image);
        if (bytes > budget) {
            return;
        }
        RgbImage previous = images.put(index, image);
        used += bytes - (previous == null ? 0 : bytes(previous));
        Iterator<Map.Entry<Integer, RgbImage>> oldest = images.entrySet().iterator();
        while (used > budget && oldest.hasNext()) {
            Map.Entry<Integer, RgbImage> entry = oldest.next();
            used -= bytes(entry.getValue());
            oldest.remove();
        }
    }

    public synchronized long usedBytes() {
        return used;
    }

    public long budget() {
        return budget;
    }

    public synchronized int size() {
        return images.size();
    }

    /** Share of lookups that found their picture; NaN before any lookup. */
    public synchronized double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? Double.NaN : (double) hits / lookups;
    }

    private static long bytes(RgbImage image) {
        return image.pixels().length;
    }
}
