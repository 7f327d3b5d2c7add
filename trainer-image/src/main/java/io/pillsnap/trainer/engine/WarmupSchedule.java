package io.pillsnap.trainer.engine;

/** Linear warmup to the peak rate, then cosine decay to {@code minRate} (or constant). */
public record WarmupSchedule(
        double peakRate, double minRate, long warmupSteps, long totalSteps, boolean cosine) {

    public double rateAt(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return peakRate * (step + 1) / warmupSteps;
        }
        if (!cosine || totalSteps <= warmupSteps) {
            return peakRate;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / (totalSteps - warmupSteps));
        return minRate + (peakRate - minRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
