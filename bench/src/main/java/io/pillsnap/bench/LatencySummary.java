package io.pillsnap.bench;

import java.util.Arrays;

/** Percentiles and throughput of a set of timed calls. */
record LatencySummary(int count, double p50Ms, double p99Ms, double meanMs, double perSecond) {

    /**
     * @param millis one duration per call
     * @param wallMillis the wall time all calls took, for throughput
     */
    static LatencySummary of(double[] millis, double wallMillis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new LatencySummary(
                sorted.length,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                Arrays.stream(sorted).average().orElse(Double.NaN),
                sorted.length / (wallMillis / 1000.0));
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
