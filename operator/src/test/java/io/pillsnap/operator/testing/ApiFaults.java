package io.pillsnap.operator.testing;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seeded faults in the operator's writes, as a loaded or failing API server makes them: conflicts
 * on status writes, server errors before a create or patch is carried out and after it was (its
 * answer lost), answers slower than the client waits for, and crashes: from a chosen write on, an
 * operator instance writes nothing more, as a process killed between two API calls.
 */
public final class ApiFaults implements ApiServer.Guard {

    private static final Set<String> OBJECTS =
            Set.of("jobs", "configmaps", "deployments", "services", "pillsnapstages");
    private static final Set<String> WRITES = Set.of("create", "update", "patch");

    private final Random random;
    private final double conflicts;
    private final double errorsBefore;
    private final double errorsAfter;
    private final double slow;
    private final Duration slowBy;
    private final Map<String, AtomicInteger> crashAfter = new ConcurrentHashMap<>();
    private final Set<String> crashed = ConcurrentHashMap.newKeySet();
    private volatile boolean enabled = true;

    /** How many faults of each kind were injected. */
    public final AtomicInteger conflictsInjected = new AtomicInteger();

    public final AtomicInteger errorsInjected = new AtomicInteger();
    public final AtomicInteger slowInjected = new AtomicInteger();
    public final AtomicInteger crashes = new AtomicInteger();

    /**
     * @param conflicts share of status writes refused with 409
     * @param errorsBefore share of creates and patches refused with 500, not carried out
     * @param errorsAfter share of creates and patches carried out, then answered with 500
     * @param slow share of creates and patches carried out and answered after {@code slowBy}
     */
    public ApiFaults(
            long seed,
            double conflicts,
            double errorsBefore,
            double errorsAfter,
            double slow,
            Duration slowBy) {
        this.random = new Random(seed);
        this.conflicts = conflicts;
        this.errorsBefore = errorsBefore;
        this.errorsAfter = errorsAfter;
        this.slow = slow;
        this.slowBy = slowBy;
    }

    /** The instance {@code identity} crashes right after its {@code writes}-th write from now. */
    public void crashAfter(String identity, int writes) {
        crashAfter.put(identity, new AtomicInteger(writes));
    }

    public boolean hasCrashed(String identity) {
        return crashed.contains(identity);
    }

    /** Stops injecting faults (crashes included), so that the cluster can settle. */
    public void stop() {
        enabled = false;
    }

    @Override
    public MockResponse before(ApiRequest request) {
        if (!isWrite(request)) {
            return null;
        }
        if (crashed.contains(request.identity())) {
            // a killed process sends nothing: its requests never reach the API server
            return status(503, "ServiceUnavailable", "the operator instance has crashed");
        }
        if (!enabled) {
            return null;
        }
        if ("status".equals(request.subresource())) {
            if (chance(conflicts)) {
                conflictsInjected.incrementAndGet();
                return status(
                        409,
                        "Conflict",
                        "Operation cannot be fulfilled on pillsnapstages.pillsnap.io \""
                                + request.name()
                                + "\": the object has been modified; please apply your changes"
                                + " to the latest version and try again");
            }
            return null;
        }
        if (OBJECTS.contains(request.resource()) && chance(errorsBefore)) {
            errorsInjected.incrementAndGet();
            return status(500, "InternalError", "etcdserver: request timed out");
        }
        return null;
    }

    @Override
    public MockResponse after(ApiRequest request, MockResponse response) {
        if (!isWrite(request)) {
            return response;
        }
        AtomicInteger left = crashAfter.get(request.identity());
        if (left != null && left.decrementAndGet() <= 0) {
            crashAfter.remove(request.identity());
            crashed.add(request.identity());
            crashes.incrementAndGet();
        }
        if (!enabled
                || response.code() >= 300
                || "status".equals(request.subresource())
                || !OBJECTS.contains(request.resource())) {
            return response;
        }
        if (chance(errorsAfter)) {
            errorsInjected.incrementAndGet();
            return status(500, "InternalError", "etcdserver: leader changed");
        }
        if (chance(slow)) {
            slowInjected.incrementAndGet();
            return response.setBodyDelay(slowBy);
        }
        return response;
    }

    private static boolean isWrite(ApiRequest request) {
        return request.fromOperator()
                && request.isResourceRequest()
                && WRITES.contains(request.verb());
    }

    private boolean chance(double share) {
        synchronized (random) {
            return random.nextDouble() < share;
        }
    }

    private static MockResponse status(int code, String reason, String message) {
        return new MockResponse()
                .setResponseCode(code)
                .setBody(
                        Serialization.asJson(
                                Map.of(
                                        "kind",
                                        "Status",
                                        "apiVersion",
                                        "v1",
                                        "status",
                                        "Failure",
                                        "reason",
                                        reason,
                                        "code",
                                        code,
                                        "message",
                                        message)));
    }
}
