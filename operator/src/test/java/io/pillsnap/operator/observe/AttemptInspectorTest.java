package io.pillsnap.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttemptInspectorTest {

    @Test
    void permanentExitCodesWinOverEverythingElse() {
        assertThat(AttemptInspector.classify(2, true, "PodFailurePolicy"))
                .isEqualTo(FailureKind.INVALID_CONFIGURATION);
        assertThat(AttemptInspector.classify(3, false, "BackoffLimitExceeded"))
                .isEqualTo(FailureKind.INVALID_DATA);
    }

    @Test
    void disruptedPodIsADisruption() {
        assertThat(AttemptInspector.classify(137, true, "BackoffLimitExceeded"))
                .isEqualTo(FailureKind.DISRUPTION);
    }

    @Test
    void deadlineAndCrashesAreRetryableErrors() {
        assertThat(AttemptInspector.classify(null, false, "DeadlineExceeded"))
                .isEqualTo(FailureKind.DEADLINE_EXCEEDED);
        assertThat(AttemptInspector.classify(1, false, "BackoffLimitExceeded"))
                .isEqualTo(FailureKind.ERROR);
        assertThat(AttemptInspector.classify(137, false, "BackoffLimitExceeded"))
                .isEqualTo(FailureKind.ERROR);
    }

    @Test
    void exitCodeIsReadFromTheJobWhenThePodIsGone() {
        Job job =
                failedJob(
                        "PodFailurePolicy",
                        "Container trainer for pod ns/x-1 failed with exit code 3 matching FailJob rule at index 0");

        ObservedAttempt attempt = AttemptInspector.inspect(job, 1, List.of());

        assertThat(attempt.state()).isEqualTo(AttemptState.FAILED);
        assertThat(attempt.exitCode()).isEqualTo(3);
        assertThat(attempt.failureKind()).isEqualTo(FailureKind.INVALID_DATA);
    }

    @Test
    void jobWithoutPodsIsPending() {
        ObservedAttempt attempt = AttemptInspector.inspect(job().build(), 1, List.of());

        assertThat(attempt.state()).isEqualTo(AttemptState.PENDING);
        assertThat(attempt.detail()).isEqualTo("no trainer pod yet");
    }

    @Test
    void jobResumedFromASuspensionWaitsForItsPodFromItsResume() {
        Job resumed =
                job().editMetadata()
                        .withCreationTimestamp("2026-11-24T06:00:00Z")
                        .endMetadata()
                        .withNewStatus()
                        .addNewCondition()
                        .withType("Suspended")
                        .withStatus("False")
                        .withLastTransitionTime("2026-11-24T09:30:00Z")
                        .endCondition()
                        .endStatus()
                        .build();

        ObservedAttempt attempt = AttemptInspector.inspect(resumed, 1, List.of());

        assertThat(attempt.state()).isEqualTo(AttemptState.PENDING);
        assertThat(attempt.waitingSince())
                .isEqualTo(java.time.Instant.parse("2026-11-24T09:30:00Z"));
    }

    @Test
    void suspendedJobIsSuspended() {
        Job job = job().editSpec().withSuspend(true).endSpec().build();

        assertThat(AttemptInspector.inspect(job, 1, List.of()).state())
                .isEqualTo(AttemptState.SUSPENDED);
    }

    @Test
    void podThatEndedBeforeItsJobReportsKeepsTheAttemptStarted() {
        // the pod informer delivers the pod's exit before the Job controller marks the Job
        ObservedAttempt attempt =
                AttemptInspector.inspect(job().build(), 1, List.of(pod("x-1", "Failed", false)));

        assertThat(attempt.state()).isEqualTo(AttemptState.RAN);
        assertThat(attempt.detail()).contains("pod x-1 ended (Failed");
    }

    @Test
    void evictedPodIsReplacedWithinTheSameAttempt() {
        ObservedAttempt attempt =
                AttemptInspector.inspect(
                        job().build(),
                        1,
                        List.of(pod("x-1", "Failed", true), pod("x-2", "Pending", false)));

        assertThat(attempt.state()).isEqualTo(AttemptState.RAN);
        assertThat(attempt.detail())
                .contains("pod x-1 was stopped (PreemptionByScheduler)")
                .contains("resumes from the run's last checkpoint");
    }

    @Test
    void completedJobWithoutAReportingPodIsUnreportedAndSaysWhetherThePodIsGone() {
        Job complete =
                job().withNewStatus()
                        .addNewCondition()
                        .withType("Complete")
                        .withStatus("True")
                        .withLastTransitionTime("2026-11-24T10:00:00Z")
                        .endCondition()
                        .endStatus()
                        .build();

        ObservedAttempt lagging =
                AttemptInspector.inspect(complete, 1, List.of(pod("x-1", "Running", false)));
        ObservedAttempt gone = AttemptInspector.inspect(complete, 1, List.of());

        assertThat(lagging.state()).isEqualTo(AttemptState.UNREPORTED);
        assertThat(lagging.podGone()).isFalse();
        assertThat(lagging.finishedAt()).isEqualTo(java.time.Instant.parse("2026-11-24T10:00:00Z"));
        assertThat(gone.podGone()).isTrue();
        assertThat(gone.resultLost()).isTrue();
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(
            String name, String phase, boolean disrupted) {
        var pod =
                new io.fabric8.kubernetes.api.model.PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withCreationTimestamp("2026-11-24T09:00:00Z")
                        .endMetadata()
                        .withNewStatus()
                        .withPhase(phase)
                        .endStatus();
        if (disrupted) {
            pod.editStatus()
                    .addNewCondition()
                    .withType("DisruptionTarget")
                    .withStatus("True")
                    .withReason("PreemptionByScheduler")
                    .endCondition()
                    .endStatus();
        }
        return pod.build();
    }

    private static Job failedJob(String reason, String message) {
        return job().withNewStatus()
                .addNewCondition()
                .withType("Failed")
                .withStatus("True")
                .withReason(reason)
                .withMessage(message)
                .endCondition()
                .endStatus()
                .build();
    }

    private static JobBuilder job() {
        return new JobBuilder()
                .withNewMetadata()
                .withName("x")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("trainer")
                .withImage("img")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec();
    }
}
