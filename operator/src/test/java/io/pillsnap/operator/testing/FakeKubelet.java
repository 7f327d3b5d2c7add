package io.pillsnap.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
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
import io.pillsnap.api.v1alpha1.spec.Metric;
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

    /** The trainer Job of a stage's run and attempt, found by its labels. */
    public Job awaitJob(String stageName, int run, int attempt) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> findJob(stageName, run, attempt) != null);
        return findJob(stageName, run, attempt);
    }

    public Job findJob(String stageName, int run, int attempt) {
        return jobs(stageName).stream()
                .filter(j -> Integer.toString(run).equals(label(j, "pillsnap.io/run")))
                .filter(j -> Integer.toString(attempt).equals(label(j, "pillsnap.io/attempt")))
                .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
                .findFirst()
                .orElse(null);
    }

    /** The Job the operator starts to read a run's result.json when the trainer pod is gone. */
    public Job awaitResultReader(String stageName, int run) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> findResultReader(stageName, run) != null);
        return findResultReader(stageName, run);
    }

    public Job findResultReader(String stageName, int run) {
        return jobs(stageName).stream()
                .filter(j -> Integer.toString(run).equals(label(j, "pillsnap.io/run")))
                .filter(j -> "result-reader".equals(label(j, "pillsnap.io/role")))
                .filter(j -> j.getMetadata().getDeletionTimestamp() == null)
                .findFirst()
                .orElse(null);
    }

    /** The run id the operator gave a Job (its pillsnap.io/run-id annotation). */
    public static String runId(Job job) {
        return job.getMetadata().getAnnotations().get("pillsnap.io/run-id");
    }

    private static String label(io.fabric8.kubernetes.api.model.HasMetadata object, String key) {
        return object.getMetadata().getLabels() == null
                ? null
                : object.getMetadata().getLabels().get(key);
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
        Pod pod = createPod(job, progressPort);
        return setPodStatus(pod, "Running", running(containerOf(pod)), List.of(), podIp);
    }

    /** The Job controller made a pod from the Job's template; the kubelet has not started it. */
    public Pod createPod(Job job) {
        return createPod(job, 0);
    }

    private Pod createPod(Job job, int progressPort) {
        Map<String, String> labels =
                new HashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("job-name", job.getMetadata().getName());
        labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
        labels.put("batch.kubernetes.io/controller-uid", job.getMetadata().getUid());
        labels.put("controller-uid", job.getMetadata().getUid());
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(job.getMetadata().getName() + "-" + podSequence.incrementAndGet())
                        .withNamespace(namespace)
                        .withLabels(labels)
                        .withAnnotations(job.getSpec().getTemplate().getMetadata().getAnnotations())
                        .withCreationTimestamp(Instant.now().toString())
                        .addNewOwnerReference()
                        .withApiVersion("batch/v1")
                        .withKind("Job")
                        .withName(job.getMetadata().getName())
                        .withUid(job.getMetadata().getUid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .endOwnerReference()
                        .endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec())
                        .build();
        if (progressPort > 0) {
            pod.getSpec().getContainers().get(0).getPorts().stream()
                    .filter(port -> "progress".equals(port.getName()))
                    .forEach(port -> port.setContainerPort(progressPort));
        }
        return client.pods().inNamespace(namespace).resource(pod).create();
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

    /** The pods of a Job (those whose controller it is). */
    public List<Pod> pods(Job job) {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(
                        p ->
                                p.getMetadata().getOwnerReferences() != null
                                        && p.getMetadata().getOwnerReferences().stream()
                                                .anyMatch(
                                                        o ->
                                                                o.getUid()
                                                                        .equals(
                                                                                job.getMetadata()
                                                                                        .getUid())))
                .toList();
    }

    /** The Job controller saw the pod succeed; the pod's own status has not arrived yet. */
    public void completeJob(Job job) {
        setJobCondition(
                job, "Complete", "CompletionsReached", "Reached expected number of succeeded pods");
    }

    /** The trainer container exited 0 with {@code terminationMessage}. */
    public void terminatePod(Pod pod, String terminationMessage) {
        setPodStatus(
                pod,
                "Succeeded",
                terminated(containerOf(pod), 0, "Completed", terminationMessage),
                List.of());
    }

    /** As {@link #deletePod}, without waiting for the pod to be gone. */
    public void removePod(Pod pod) {
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
    }

    /** The pod is gone: its node was removed, or it was garbage-collected. */
    public void deletePod(Pod pod) {
        client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete();
        await().atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                client.pods()
                                                .inNamespace(namespace)
                                                .withName(pod.getMetadata().getName())
                                                .get()
                                        == null);
    }

    /** A pod of the Job runs and the trainer succeeds, reporting {@code metrics} for its run. */
    public void trainAndSucceed(Job job, Map<Metric, Double> metrics) {
        succeed(job, startPod(job), TestResults.succeeded(runId(job), metrics));
    }

    /**
     * A pod of the Job runs and the trainer succeeds on a dataset with a test set, reporting {@code
     * validation} and {@code test} metrics for its run.
     */
    public void trainAndSucceed(Job job, Map<Metric, Double> validation, Map<Metric, Double> test) {
        succeed(job, startPod(job), TestResults.succeeded(runId(job), validation, test));
    }

    public void succeed(Job job, Pod pod, String terminationMessage) {
        setPodStatus(
                pod,
                "Succeeded",
                terminated(containerOf(pod), 0, "Completed", terminationMessage),
                List.of());
        setJobCondition(
                job, "Complete", "CompletionsReached", "Reached expected number of succeeded pods");
    }

    /** The trainer exited non-zero; the Job fails (backoffLimit 0, or the FailJob rule). */
    public void fail(Job job, Pod pod, int exitCode, String terminationMessage) {
        setPodStatus(
                pod,
                "Failed",
                terminated(containerOf(pod), exitCode, "Error", terminationMessage),
                List.of());
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
        setPodStatus(pod, "Failed", terminated(containerOf(pod), 143, "Error", null), List.of());
        setJobCondition(
                job, "Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
    }

    /**
     * The Job failed before any pod of it ran to the end: e.g. its pod never pulled its image and
     * the Job's deadline passed ({@code DeadlineExceeded}). No container reported anything.
     */
    public void failBeforeStarting(Job job, String reason, String message) {
        setJobCondition(job, "Failed", reason, message);
    }

    /** A pod of the Job that cannot start: its container waits, e.g. in ImagePullBackOff. */
    public Pod podWaiting(Job job, String reason, String message) {
        Pod pod = createPod(job);
        ContainerStatus waiting =
                new ContainerStatusBuilder()
                        .withName(containerOf(pod))
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

    /** A pod of the Job that the scheduler cannot place: PodScheduled False, Unschedulable. */
    public Pod podUnschedulable(Job job, String message) {
        Pod pod = createPod(job);
        return client.pods()
                .inNamespace(namespace)
                .withName(pod.getMetadata().getName())
                .editStatus(
                        p -> {
                            p.setStatus(
                                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                                            .withPhase("Pending")
                                            .withConditions(
                                                    new PodConditionBuilder()
                                                            .withType("PodScheduled")
                                                            .withStatus("False")
                                                            .withReason("Unschedulable")
                                                            .withMessage(message)
                                                            .build())
                                            .build());
                            return p;
                        });
    }

    /**
     * The Job controller cannot create the Job's pod (a ResourceQuota or an admission policy
     * refuses it) and records a FailedCreate Event on the Job, as it does on a cluster.
     */
    public void refusePods(Job job, String message) {
        String now = Instant.now().toString();
        client.v1()
                .events()
                .inNamespace(namespace)
                .resource(
                        new EventBuilder()
                                .withNewMetadata()
                                .withName(
                                        job.getMetadata().getName()
                                                + "."
                                                + podSequence.incrementAndGet())
                                .withNamespace(namespace)
                                .endMetadata()
                                .withNewInvolvedObject()
                                .withApiVersion("batch/v1")
                                .withKind("Job")
                                .withName(job.getMetadata().getName())
                                .withNamespace(namespace)
                                .withUid(job.getMetadata().getUid())
                                .endInvolvedObject()
                                .withReason("FailedCreate")
                                .withType("Warning")
                                .withMessage(message)
                                .withFirstTimestamp(now)
                                .withLastTimestamp(now)
                                .withCount(1)
                                .withNewSource()
                                .withComponent("job-controller")
                                .endSource()
                                .build())
                .create();
    }

    /**
     * Plays Kueue: the Workload Kueue keeps for a Job, owned by it, with one condition (e.g.
     * QuotaReserved False, reason Pending).
     */
    public void kueueWorkload(Job job, String type, String status, String reason, String message) {
        GenericKubernetesResource workload =
                new GenericKubernetesResourceBuilder()
                        .withApiVersion("kueue.x-k8s.io/v1beta1")
                        .withKind("Workload")
                        .withNewMetadata()
                        .withName("job-" + job.getMetadata().getName())
                        .withNamespace(namespace)
                        .addToLabels("kueue.x-k8s.io/job-uid", job.getMetadata().getUid())
                        .addNewOwnerReference()
                        .withApiVersion("batch/v1")
                        .withKind("Job")
                        .withName(job.getMetadata().getName())
                        .withUid(job.getMetadata().getUid())
                        .withController(true)
                        .endOwnerReference()
                        .endMetadata()
                        .build();
        workload.setAdditionalProperty(
                "status",
                Map.of(
                        "conditions",
                        List.of(
                                Map.of(
                                        "type", type,
                                        "status", status,
                                        "reason", reason,
                                        "message", message,
                                        "lastTransitionTime", Instant.now().toString()))));
        var workloads =
                client.genericKubernetesResources("kueue.x-k8s.io/v1beta1", "Workload")
                        .inNamespace(namespace);
        if (workloads.withName(workload.getMetadata().getName()).get() == null) {
            workloads.resource(workload).create();
        } else {
            workloads.resource(workload).update();
        }
    }

    /** Plays Kueue admitting a Job: it un-suspends it, and the Job controller starts it. */
    public Job admit(Job job) {
        String now = Instant.now().toString();
        client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(job.getMetadata().getName())
                .edit(
                        j -> {
                            j.getSpec().setSuspend(false);
                            return j;
                        });
        return client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(job.getMetadata().getName())
                .editStatus(
                        j -> {
                            j.setStatus(
                                    new JobStatusBuilder()
                                            .withStartTime(now)
                                            .withActive(0)
                                            .withConditions(
                                                    new JobConditionBuilder()
                                                            .withType("Suspended")
                                                            .withStatus("False")
                                                            .withReason("JobResumed")
                                                            .withMessage("Job resumed")
                                                            .withLastTransitionTime(now)
                                                            .build())
                                            .build());
                            return j;
                        });
    }

    /**
     * Plays Kueue evicting a running Job (preempted for a higher-priority workload): it suspends
     * the Job, and the Job controller deletes its pod.
     */
    public Job evict(Job job, Pod pod) {
        String now = Instant.now().toString();
        client.batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .withName(job.getMetadata().getName())
                .edit(
                        j -> {
                            j.getSpec().setSuspend(true);
                            return j;
                        });
        deletePod(pod);
        return client.batch()
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
                                                            .withType("Suspended")
                                                            .withStatus("True")
                                                            .withReason("JobSuspended")
                                                            .withMessage("Job suspended")
                                                            .withLastTransitionTime(now)
                                                            .build())
                                            .build());
                            return j;
                        });
    }

    /** A pod that could not start after all runs now (its image pulled, a node freed up). */
    public Pod run(Pod pod) {
        return setPodStatus(pod, "Running", running(containerOf(pod)), List.of());
    }

    /** The pod was preempted: the Job's pod failure policy ignores it and the Job stays active. */
    public void preempt(Pod pod) {
        setPodStatus(
                pod,
                "Failed",
                terminated(containerOf(pod), 137, "Error", null),
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

    private static String containerOf(Pod pod) {
        return pod.getSpec().getContainers().get(0).getName();
    }

    private static ContainerStatus running(String container) {
        return new ContainerStatusBuilder()
                .withName(container)
                .withReady(true)
                .withNewState()
                .withNewRunning()
                .withStartedAt(Instant.now().toString())
                .endRunning()
                .endState()
                .build();
    }

    private static ContainerStatus terminated(
            String container, int exitCode, String reason, String message) {
        return new ContainerStatusBuilder()
                .withName(container)
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
