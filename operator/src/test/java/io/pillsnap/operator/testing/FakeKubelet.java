package io.pillsnap.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the Job controller and the kubelet, which Fabric8's mock API server does not have: makes
 * trainer pods for a Job and drives pod and Job status the way a cluster would.
 */
public final class FakeKubelet {

    private final KubernetesClient client;
    private final String namespace;
    private final AtomicInteger podSequence = new AtomicInteger();

    public FakeKubelet(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public Job awaitJob(String name) {
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () ->
                                client.batch()
                                                .v1()
                                                .jobs()
                                                .inNamespace(namespace)
                                                .withName(name)
                                                .get()
                                        != null);
        return client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
    }

    public List<Job> jobs(String stageName) {
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withLabel("pillsnap.io/stage", stageName)
                .list()
                .getItems();
    }

    /** The Job controller made a pod and the kubelet started it. */
    public Pod startPod(Job job) {
        return startPod(job, null, 0);
    }

    /**
     * As {@link #startPod(Job)}, with a pod IP and the trainer's progress port rewritten to {@code
     * progressPort} (a local fake /progress server plays the trainer).
     */
    public Pod startPod(Job job, String podIp, int progressPort) {
        Map<String, String> labels =
                new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("job-name", job.getMetadata().getName());
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(job.getMetadata().getName() + "-" + podSequence.incrementAndGet())
                        .withNamespace(namespace)
                        .withLabels(labels)
                        .withCreationTimestamp(Instant.now().toString())
                        .endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec())
                        .build();
        if (progressPort > 0) {
            pod.getSpec().getContainers().get(0).getPorts().stream()
                    .filter(port -> "progress".equals(port.getName()))
                    .forEach(port -> port.setContainerPort(progressPort));
        }
        pod = client.pods().inNamespace(namespace).resource(pod).create();
        return setPodStatus(pod, "Running", running(), List.of(), podIp);
    }

    public Deployment awaitDeployment(String name) {
        await().atMost(Duration.ofSeconds(20)).until(() -> deployment(name) != null);
        return deployment(name);
    }

    public Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    /** A pod of the Deployment whose container cannot start, e.g. ImagePullBackOff. */
    public Pod inferencePodWaiting(String deployment, String reason, String message) {
        Deployment d = deployment(deployment);
        Pod pod =
                client.pods()
                        .inNamespace(namespace)
                        .resource(
                                new PodBuilder()
                                        .withNewMetadata()
                                        .withName(deployment + "-" + podSequence.incrementAndGet())
                                        .withNamespace(namespace)
                                        .withLabels(
                                                d.getSpec().getTemplate().getMetadata().getLabels())
                                        .endMetadata()
                                        .withSpec(d.getSpec().getTemplate().getSpec())
                                        .build())
                        .create();
        ContainerStatus waiting =
                new ContainerStatusBuilder()
                        .withName("inference")
                        .withReady(false)
                        .withNewState()
                        .withNewWaiting()
                        .withReason(reason)
                        .withMessage(message)
                        .endWaiting()
                        .endState()
                        .build();
        return setPodStatus(pod, "Pending", waiting, List.of());
    }

    /** The Deployment controller and the kubelets brought every replica up and /readyz passed. */
    public void deploymentReady(String name) {
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(name)
                .editStatus(
                        d -> {
                            int replicas = d.getSpec().getReplicas();
                            d.setStatus(
                                    new DeploymentStatusBuilder()
                                            .withObservedGeneration(d.getMetadata().getGeneration())
                                            .withReplicas(replicas)
                                            .withReadyReplicas(replicas)
                                            .withAvailableReplicas(replicas)
                                            .withUpdatedReplicas(replicas)
                                            .build());
                            return d;
                        });
    }

    public void succeed(Job job, Pod pod, String terminationMessage) {
        setPodStatus(pod, "Succeeded", terminated(0, "Completed", terminationMessage), List.of());
        setJobCondition(
                job, "Complete", "CompletionsReached", "Reached expected number of succeeded pods");
    }

    /** The trainer exited non-zero; the Job fails (backoffLimit 0, or the FailJob rule). */
    public void fail(Job job, Pod pod, int exitCode, String terminationMessage) {
        setPodStatus(pod, "Failed", terminated(exitCode, "Error", terminationMessage), List.of());
        boolean permanent = exitCode == 2 || exitCode == 3;
        setJobCondition(
                job,
                "Failed",
                permanent ? "PodFailurePolicy" : "BackoffLimitExceeded",
                permanent
                        ? "Container trainer for pod "
                                + namespace
                                + "/"
                                + pod.getMetadata().getName()
                                + " failed with exit code "
                                + exitCode
                                + " matching FailJob rule at index 0"
                        : "Job has reached the specified backoff limit");
    }

    public void exceedDeadline(Job job, Pod pod) {
        setPodStatus(pod, "Failed", terminated(143, "Error", null), List.of());
        setJobCondition(
                job, "Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
    }

    /** The pod was preempted: the Job's pod failure policy ignores it and the Job stays active. */
    public void preempt(Pod pod) {
        setPodStatus(
                pod,
                "Failed",
                terminated(137, "Error", null),
                List.of(
                        new PodConditionBuilder()
                                .withType("DisruptionTarget")
                                .withStatus("True")
                                .withReason("PreemptionByScheduler")
                                .withMessage("Preempted in order to admit critical pod")
                                .build()));
    }

    /** On a cluster without pod failure policies, a preemption fails the Job. */
    public void preemptAndFailJob(Job job, Pod pod) {
        preempt(pod);
        setJobCondition(
                job,
                "Failed",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit");
    }

    private Pod setPodStatus(
            Pod pod, String phase, ContainerStatus container, List<PodCondition> conditions) {
        return setPodStatus(pod, phase, container, conditions, null);
    }

    private Pod setPodStatus(
            Pod pod,
            String phase,
            ContainerStatus container,
            List<PodCondition> conditions,
            String podIp) {
        return client.pods()
                .inNamespace(namespace)
                .withName(pod.getMetadata().getName())
                .editStatus(
                        p -> {
                            p.setStatus(
                                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                                            .withPhase(phase)
                                            .withPodIP(podIp)
                                            .withContainerStatuses(container)
                                            .withConditions(conditions)
                                            .build());
                            return p;
                        });
    }

    private void setJobCondition(Job job, String type, String reason, String message) {
        String now = Instant.now().toString();
        client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(job.getMetadata().getName())
                .editStatus(
                        j -> {
                            j.setStatus(
                                    new JobStatusBuilder()
                                            .withConditions(
                                                    new JobConditionBuilder()
                                                            .withType(type)
                                                            .withStatus("True")
                                                            .withReason(reason)
                                                            .withMessage(message)
                                                            .withLastTransitionTime(now)
                                                            .build())
                                            .withSucceeded("Complete".equals(type) ? 1 : 0)
                                            .withFailed("Failed".equals(type) ? 1 : 0)
                                            .build());
                            return j;
                        });
    }

    private static ContainerStatus running() {
        return new ContainerStatusBuilder()
                .withName("trainer")
                .withReady(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt(Instant.now().toString())
                .endRunning()
                .endState()
                .build();
    }

    private static ContainerStatus terminated(int exitCode, String reason, String message) {
        return new ContainerStatusBuilder()
                .withName("trainer")
                .withReady(false)
                .withNewState()
                .withNewTerminated()
                .withExitCode(exitCode)
                .withReason(reason)
                .withMessage(message)
                .withFinishedAt(Instant.now().toString())
                .endTerminated()
                .endState()
                .build();
    }
}
