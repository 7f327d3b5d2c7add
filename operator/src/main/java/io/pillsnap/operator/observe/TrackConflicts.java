package io.pillsnap.operator.observe;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tracks whose Service is not the operator's, as the last attempt to switch one found it. The
 * operator's informer selects only its own Services, so a foreign one is found by the switch;
 * observe reads it from here, so that the stage says so and waits before it tries again. In memory:
 * after a restart the next switch finds it again.
 */
public final class TrackConflicts {

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();

    public void seen(String namespace, String track, Instant at) {
        seen.put(key(namespace, track), at);
    }

    public void resolved(String namespace, String track) {
        seen.remove(key(namespace, track));
    }

    /** When a Service of another owner was last found under the track's name. */
    public Optional<Instant> since(String namespace, String track) {
        return Optional.ofNullable(seen.get(key(namespace, track)));
    }

    private static String key(String namespace, String track) {
        return namespace + "/" + track;
    }
}
