package io.pillsnap.trainer.cli;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs long work every tenth of the way. */
final class ProgressPrinter implements IntConsumer {

    private static final Logger log = LoggerFactory.getLogger(ProgressPrinter.class);

    private final String what;
    private final int total;
    private final long start = System.nanoTime();
    private int lastTenth;

    ProgressPrinter(String what, int total) {
        this.what = what;
        this.total = Math.max(1, total);
    }

    @Override
    public synchronized void accept(int done) {
        int tenth = (int) ((long) done * 10 / total);
        if (tenth > lastTenth || done == total) {
            lastTenth = tenth;
            double seconds = (System.nanoTime() - start) / 1e9;
            log.info("{}/{} {} ({} s)", done, total, what, Math.round(seconds));
        }
    }
}
