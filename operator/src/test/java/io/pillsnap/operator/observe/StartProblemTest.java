package io.pillsnap.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartProblemTest {

    @Test
    void imageThatCannotBePulledPointsAtTheImageSetting() {
        Pod pod = waiting("ErrImagePull", "manifest unknown");

        StartProblem problem =
                StartProblem.of(List.of(pod), List.of(), StartProblem.Role.TRAINER).orElseThrow();

        assertThat(problem.reason()).isEqualTo("ErrImagePull");
        assertThat(problem.message())
                .startsWith("ErrImagePull: manifest unknown")
                .contains("PILLSNAP_TRAINER_IMAGE")
                .contains("PILLSNAP_IMAGE_PULL_SECRETS");
    }

    @Test
    void podNoNodeFitsPointsAtTheStagesResources() {
        Pod pod = unscheduled("0/5 nodes are available: 5 Insufficient nvidia.com/gpu.");

        StartProblem problem =
                StartProblem.of(List.of(pod), List.of(), StartProblem.Role.TRAINER).orElseThrow();

        assertThat(problem.reason()).isEqualTo("Unschedulable");
        assertThat(problem.message())
                .startsWith("Unschedulable: 0/5 nodes are available")
                .contains("change spec.resources");
    }

    @Test
    void missingClaimIsNamedAsSuch() {
        Pod pod = unscheduled("0/5 nodes are available: persistentvolumeclaim \"data\" not found.");

        StartProblem problem =
                StartProblem.of(List.of(pod), List.of(), StartProblem.Role.TRAINER).orElseThrow();

        assertThat(problem.message()).contains("create the claim the stage names");
    }

    @Test
    void podTheQuotaRefusedIsReadFromTheJobsEvent() {
        StartProblem problem =
                StartProblem.of(
                                List.of(),
                                List.of(failedCreate("exceeded quota: gpu-quota")),
                                StartProblem.Role.TRAINER)
                        .orElseThrow();

        assertThat(problem.reason()).isEqualTo("FailedCreate");
        assertThat(problem.message())
                .contains("exceeded quota: gpu-quota")
                .contains("raise the quota or lower spec.resources");
    }

    @Test
    void aPodThatExistsMakesAnOldRefusalIrrelevant() {
        Pod creating = waiting("ContainerCreating", null);

        StartProblem problem =
                StartProblem.of(
                                List.of(creating),
                                List.of(failedCreate("exceeded quota: gpu-quota")),
                                StartProblem.Role.TRAINER)
                        .orElseThrow();

        assertThat(problem.reason()).isEqualTo("ContainerCreating");
    }

    @Test
    void nothingToSayIsNothing() {
        assertThat(StartProblem.of(List.of(), List.of(), StartProblem.Role.TRAINER)).isEmpty();
    }

    private static Pod waiting(String reason, String message) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("p-1")
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .addNewContainerStatus()
                .withName("trainer")
                .withNewState()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .endState()
                .endContainerStatus()
                .endStatus()
                .build();
    }

    private static Pod unscheduled(String message) {
        return new PodBuilder()
                .withNewMetadata()
                .withName("p-1")
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .addNewCondition()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage(message)
                .endCondition()
                .endStatus()
                .build();
    }

    private static Event failedCreate(String message) {
        return new EventBuilder()
                .withNewMetadata()
                .withName("j.1")
                .endMetadata()
                .withNewInvolvedObject()
                .withKind("Job")
                .withName("j")
                .endInvolvedObject()
                .withReason("FailedCreate")
                .withMessage("Error creating: pods \"j-x\" is forbidden: " + message)
                .withLastTimestamp("2026-11-24T10:00:00Z")
                .build();
    }
}
