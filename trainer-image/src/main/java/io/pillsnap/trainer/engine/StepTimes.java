package io.pillsnap.trainer.engine;

import io.pillsnap.trainer.progress.TensorBoardWriter;
import java.util.Locale;

/**
 * Where an epoch's training time went, as the original logged it: waiting for the next batch
 * ({@code data_time}: the loader did not keep up) against the step itself ({@code compute_time}). A
 * large data share says more loader workers or a prepared image store would speed training up.
 */
public final class StepTimes {

    private long dataNanos;
    private long computeNanos;

    public void data(long nanos) {
        dataNanos += nanos;
    }

    public void compute(long nanos) {
        computeNanos += nanos;
    }

    public double dataSeconds() {
        return dataNanos / 1e9;
    }

    public double computeSeconds() {
        return computeNanos / 1e9;
    }

    /** "data 1.2 s (5%), compute 22.8 s" */
    public String describe() {
        double total = dataSeconds() + computeSeconds();
        return String.format(
                Locale.ROOT,
                "data %.1f s (%.0f%%), compute %.1f s",
                dataSeconds(),
                total > 0 ? 100 * dataSeconds() / total : 0,
                computeSeconds());
    }

    /** Writes both under {@code prefix}perf/ and starts the next epoch from zero. */
    public void writeAndReset(TensorBoardWriter board, String prefix, long step) {
        if (board != null) {
            board.scalar(prefix + "perf/data_time", dataSeconds(), step);
            board.scalar(prefix + "perf/compute_time", computeSeconds(), step);
        }
        dataNanos = 0;
        computeNanos = 0;
    }
}
