package io.pillsnap.bench;

import java.util.Arrays;

/**
 * The server's latency at concurrency 1 and the bare sessions' floor, measured in the same minutes:
 * blocks of requests and blocks of bare runs in turn, each block {@code runs / blocks} long. The
 * speed of a shared machine drifts from one minute to the next (the bare floor of combination mode
 * read 5.0 ms in one run of this bench and 6.7 ms in the next, the server's p50 8.1-8.6 ms in
 * both), so a floor timed after all of the server's requests compared two different machines.
 */
record Overhead(
        LatencySummary server, LatencySummary bare, double[] blockDifferences, int perBlock) {

    static Overhead measure(HttpLoad load, BareInputs bare, int runs, int bareWarmup, int blocks)
            throws Exception {
        bare.timeEach(bareWarmup);
        int perBlock = Math.max(1, runs / blocks);
        double[] server = new double[blocks * perBlock];
        double[] floor = new double[blocks * perBlock];
        double[] differences = new double[blocks];
        double serverWall = 0;
        double floorWall = 0;
        for (int b = 0; b < blocks; b++) {
            long t0 = System.nanoTime();
            HttpLoad.Result result = load.run(perBlock, 1, false);
            long t1 = System.nanoTime();
            double[] bareMillis = bare.timeEach(perBlock);
            long t2 = System.nanoTime();
            System.arraycopy(result.millis(), 0, server, b * perBlock, perBlock);
            System.arraycopy(bareMillis, 0, floor, b * perBlock, perBlock);
            differences[b] =
                    LatencySummary.of(result.millis(), 1).p50Ms()
                            - LatencySummary.of(bareMillis, 1).p50Ms();
            serverWall += (t1 - t0) / 1e6;
            floorWall += (t2 - t1) / 1e6;
        }
        return new Overhead(
                LatencySummary.of(server, serverWall),
                LatencySummary.of(floor, floorWall),
                differences,
                perBlock);
    }

    double p50Difference() {
        return server.p50Ms() - bare.p50Ms();
    }

    /** The smallest and the largest of the blocks' own p50 differences. */
    double[] blockRange() {
        double[] sorted = blockDifferences.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[0], sorted[sorted.length - 1]};
    }
}
