package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What Kueue says of a queued trainer Job, from the conditions of the Workload it keeps for it: why
 * it waits (QuotaReserved False: no quota in the ClusterQueue), why it is not admitted, or why it
 * was evicted (Evicted True: preempted, or inactive). Pure.
 */
public final class KueueWorkloads {

    public static final String GROUP = "kueue.x-k8s.io";
    public static final String VERSION = "v1beta1";
    public static final String KIND = "Workload";

    private KueueWorkloads() {}

    /** The newest thing Kueue says of the Workloads of one Job, as a reason and message. */
    public static Optional<StartProblem> why(Collection<GenericKubernetesResource> workloads) {
        return workloads.stream()
                .flatMap(w -> conditions(w).stream())
                .filter(KueueWorkloads::saysWhy)
                .max(Comparator.comparing(c -> text(c, "lastTransitionTime")))
                .map(
                        c -> {
                            String reason = text(c, "reason");
                            String kueueReason = reason.isEmpty() ? text(c, "type") : reason;
                            return new StartProblem(
                                    "Kueue" + kueueReason,
                                    "Kueue: "
                                            + kueueReason
                                            + (text(c, "message").isEmpty()
                                                    ? ""
                                                    : ": " + text(c, "message")));
                        });
    }

    /** Whether a Workload belongs to the Job of {@code jobUid}. */
    public static boolean ofJob(GenericKubernetesResource workload, String jobUid) {
        return jobUid != null
                && workload.getMetadata().getOwnerReferences() != null
                && workload.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> jobUid.equals(o.getUid()));
    }

    private static boolean saysWhy(Map<String, Object> condition) {
        String type = text(condition, "type");
        String status = text(condition, "status");
        return "Evicted".equals(type) && "True".equals(status)
                || "QuotaReserved".equals(type) && "False".equals(status)
                || "Admitted".equals(type) && "False".equals(status);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> conditions(GenericKubernetesResource workload) {
        Object status = workload.getAdditionalProperties().get("status");
        if (!(status instanceof Map<?, ?> map) || !(map.get("conditions") instanceof List<?>)) {
            return List.of();
        }
        return ((List<Object>) map.get("conditions"))
                .stream().filter(Map.class::isInstance).map(c -> (Map<String, Object>) c).toList();
    }

    private static String text(Map<String, Object> condition, String key) {
        return Objects.toString(condition.get(key), "");
    }
}
