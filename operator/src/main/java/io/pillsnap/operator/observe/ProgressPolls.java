package io.pillsnap.operator.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each stage last read its trainer's /progress, so that a stage polls at most once per
 * interval however often it is reconciled. Kept in memory: after a restart every stage may poll
 * once at once.
 */
public final class ProgressPolls {

    private final Duration interval;
    private final Map<String, Instant> lastPoll = new ConcurrentHashMap<>();

    public ProgressPolls(Duration interval) {
        this.interval = interval;
    }

    /** Claims the poll of stage {@code uid} if one is due; false when it polled too recently. */
    public boolean claim(String uid, Instant now) {
        boolean[] claimed = {false};
        lastPoll.compute(
                uid,
                (key, last) -> {
                    if (last == null || !now.isBefore(last.plus(interval))) {
                        claimed[0] = true;
                        return now;
                    }
                    return last;
                });
        return claimed[0];
    }

    /** How long until stage {@code uid} may poll again. */
    public Duration untilNext(String uid, Instant now) {
        Instant last = lastPoll.get(uid);
        if (last == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, last.plus(interval));
        return left.isNegative() ? Duration.ZERO : left;
    }

    public void forget(String uid) {
        lastPoll.remove(uid);
    }
}
