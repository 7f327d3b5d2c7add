package io.pillsnap.trainer.calibration;

/**
 * One confidence bin of a reliability diagram: the images whose top-1 confidence lies in {@code
 * (lower, upper]} (the first bin also holds confidence 0).
 *
 * @param accuracy share of the bin's images whose top-1 is right; 0 for an empty bin
 * @param meanConfidence the bin's mean top-1 confidence; 0 for an empty bin
 */
public record ReliabilityBin(
        double lower, double upper, int count, double accuracy, double meanConfidence) {}
