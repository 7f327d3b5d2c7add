package io.pillsnap.trainer.classifier;

import io.pillsnap.trainer.data.Batch;
import java.util.Arrays;
import java.util.function.Function;

/** Times single-image forward passes after a warm-up, for the latencyP95Ms metric. */
public final class LatencyMeter {

    private static final int WARMUP = 3;

    private LatencyMeter() {}

    public static LatencyMeter.Latency measure(
            Function<Batch, float[]> forward, float[] image, int samples) {
        if (samples <= 0) {
            return new LatencyMeter.Latency(0, Double.NaN, Double.NaN);
        }
        Batch single = new Batch(0, image, new long[1], 1);
        for (int i = 0; i < WARMUP; i++) {
            forward.apply(single);
        }
        double[] millis = new double[samples];
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            forward.apply(single);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        return new LatencyMeter.Latency(
                samples, percentile(millis, 0.50), percentile(millis, 0.95));
    }

    static double percentile(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** Single-image classification latency. */
    public record Latency(int samples, double p50Ms, double p95Ms) {}
}
