package io.pillsnap.trainer.data;

import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log lines of a long decode: every 500 photos and at the end. */
public final class DecodeProgress {

    private static final Logger log = LoggerFactory.getLogger(DecodeProgress.class);

    private DecodeProgress() {}

    /** Logs "decoded done/total name pictures" every 500 photos and at the end. */
    public static IntConsumer logged(String name, int total) {
        return done -> {
            if (done % 500 == 0 || done == total) {
                log.info("decoded {}/{} {} pictures", done, total, name);
            }
        };
    }
}
