package io.pillsnap.trainer.calibration;

import java.util.List;

/**
 * How well confidence matches accuracy on a set: the expected calibration error and the bins it is
 * computed from (the reliability diagram).
 *
 * @param ece {@code sum over bins of count / images * |accuracy - meanConfidence|}, 0 to 1
 * @param bins equal-width bins from confidence 0 to 1, in ascending order
 */
public record Reliability(double ece, int images, List<ReliabilityBin> bins) {

    public Reliability {
        bins = List.copyOf(bins);
    }
}
