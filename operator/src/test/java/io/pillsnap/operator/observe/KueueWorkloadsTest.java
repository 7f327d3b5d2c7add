package io.pillsnap.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KueueWorkloadsTest {

    @Test
    void pendingWorkloadSaysWhichQuotaIsShort() {
        StartProblem why =
                KueueWorkloads.why(
                                List.of(
                                        workload(
                                                condition(
                                                        "QuotaReserved",
                                                        "False",
                                                        "Pending",
                                                        "insufficient unused quota for"
                                                                + " nvidia.com/gpu",
                                                        "2026-11-24T10:00:00Z"))))
                        .orElseThrow();

        assertThat(why.reason()).isEqualTo("KueuePending");
        assertThat(why.message())
                .isEqualTo("Kueue: Pending: insufficient unused quota for nvidia.com/gpu");
    }

    @Test
    void theNewestOfWhatKueueSaysWins() {
        StartProblem why =
                KueueWorkloads.why(
                                List.of(
                                        workload(
                                                condition(
                                                        "QuotaReserved",
                                                        "False",
                                                        "Pending",
                                                        "no quota",
                                                        "2026-11-24T09:00:00Z"),
                                                condition(
                                                        "Evicted",
                                                        "True",
                                                        "Preempted",
                                                        "Preempted to accommodate a workload",
                                                        "2026-11-24T10:00:00Z"),
                                                condition(
                                                        "Admitted",
                                                        "True",
                                                        "Admitted",
                                                        "admitted",
                                                        "2026-11-24T10:30:00Z"))))
                        .orElseThrow();

        assertThat(why.reason()).isEqualTo("KueuePreempted");
    }

    @Test
    void admittedWorkloadSaysNothing() {
        assertThat(
                        KueueWorkloads.why(
                                List.of(
                                        workload(
                                                condition(
                                                        "Admitted",
                                                        "True",
                                                        "Admitted",
                                                        "admitted",
                                                        "2026-11-24T10:00:00Z")))))
                .isEmpty();
    }

    @SafeVarargs
    private static GenericKubernetesResource workload(Map<String, Object>... conditions) {
        GenericKubernetesResource workload =
                new GenericKubernetesResourceBuilder()
                        .withApiVersion("kueue.x-k8s.io/v1beta1")
                        .withKind("Workload")
                        .withNewMetadata()
                        .withName("job-x")
                        .endMetadata()
                        .build();
        workload.setAdditionalProperty("status", Map.of("conditions", List.of(conditions)));
        return workload;
    }

    private static Map<String, Object> condition(
            String type, String status, String reason, String message, String time) {
        return Map.of(
                "type", type,
                "status", status,
                "reason", reason,
                "message", message,
                "lastTransitionTime", time);
    }
}
