package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why the pod of a Job does not run, in the cluster's words and with what to do about it: a
 * container that cannot start (image pull, configuration), a pod the scheduler cannot place (no
 * node fits, a claim that does not exist), or a pod the Job controller could not create (quota,
 * admission policy: its FailedCreate Event on the Job). Pure.
 *
 * @param reason the cluster's reason: ImagePullBackOff, ErrImagePull, Unschedulable, FailedCreate,
 *     CreateContainerConfigError, ContainerCreating...
 * @param message the cluster's message, then the fix
 */
public record StartProblem(String reason, String message) {

    /** The Job controller's Event when it cannot create a pod. */
    public static final String FAILED_CREATE = "FailedCreate";

    /** Which pod it is: the fix differs. */
    public enum Role {
        TRAINER("trainer", "the trainer image (PILLSNAP_TRAINER_IMAGE)", true),
        RESULT_READER("reader", "the inference image (PILLSNAP_INFERENCE_IMAGE)", false);

        private final String noun;
        private final String image;
        private final boolean sizedBySpec;

        Role(String noun, String image, boolean sizedBySpec) {
            this.noun = noun;
            this.image = image;
            this.sizedBySpec = sizedBySpec;
        }

        /** What the pod's wait is called when nothing says why: no pod yet, or a pending one. */
        public String waiting(boolean hasPod) {
            return hasPod ? noun + " pod is pending" : "no " + noun + " pod yet";
        }
    }

    private static final Set<String> IMAGE_REASONS =
            Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull");

    /**
     * @param pods the Job's pods that have not ended
     * @param jobEvents the FailedCreate Events on the Job
     */
    public static Optional<StartProblem> of(
            Collection<Pod> pods, Collection<Event> jobEvents, Role role) {
        for (Pod pod : pods) {
            Optional<ContainerStateWaiting> waiting = waiting(pod);
            if (waiting.isPresent() && !"ContainerCreating".equals(waiting.get().getReason())) {
                return Optional.of(containerCannotStart(pod, waiting.get(), role));
            }
        }
        for (Pod pod : pods) {
            Optional<PodCondition> unscheduled = unscheduled(pod);
            if (unscheduled.isPresent()) {
                return Optional.of(unschedulable(unscheduled.get(), role));
            }
        }
        if (pods.isEmpty()) {
            Optional<Event> refused =
                    jobEvents.stream()
                            .filter(e -> FAILED_CREATE.equals(e.getReason()))
                            .max(Comparator.comparing(StartProblem::lastSeen));
            if (refused.isPresent()) {
                return Optional.of(
                        new StartProblem(
                                FAILED_CREATE,
                                FAILED_CREATE
                                        + ": "
                                        + refused.get().getMessage()
                                        + " (a ResourceQuota, LimitRange or admission policy of"
                                        + " the namespace refuses the pod: raise the quota"
                                        + (role.sizedBySpec ? " or lower spec.resources" : "")
                                        + ")"));
            }
        }
        for (Pod pod : pods) {
            Optional<ContainerStateWaiting> waiting = waiting(pod);
            if (waiting.isPresent()) {
                return Optional.of(
                        new StartProblem(
                                "ContainerCreating",
                                "ContainerCreating: pod "
                                        + pod.getMetadata().getName()
                                        + " is being created (its volumes are attached, its"
                                        + " image pulled); kubectl describe pod "
                                        + pod.getMetadata().getName()
                                        + " says more if it takes long"));
            }
        }
        return Optional.empty();
    }

    private static StartProblem containerCannotStart(
            Pod pod, ContainerStateWaiting waiting, Role role) {
        String reason = waiting.getReason();
        String said = reason + (waiting.getMessage() == null ? "" : ": " + waiting.getMessage());
        String fix =
                IMAGE_REASONS.contains(reason)
                        ? "check "
                                + role.image
                                + " and its pull secrets (PILLSNAP_IMAGE_PULL_SECRETS)"
                        : "kubectl describe pod " + pod.getMetadata().getName();
        return new StartProblem(reason, said + " (" + fix + ")");
    }

    private static StartProblem unschedulable(PodCondition condition, Role role) {
        String reason = Objects.requireNonNullElse(condition.getReason(), "Unschedulable");
        String message = Objects.requireNonNullElse(condition.getMessage(), "");
        String fix;
        if (message.contains("persistentvolumeclaim")) {
            fix =
                    "create the claim the stage names (spec.dataset.claimName,"
                            + " spec.artifacts.claimName or the operator's artifacts claim)";
        } else if (role.sizedBySpec) {
            fix =
                    "no node fits spec.resources (gpus, cpu, memory, nodeSelector,"
                            + " tolerations): free or add such nodes, or change spec.resources";
        } else {
            fix = "no node has room for the reader's small pod";
        }
        return new StartProblem(reason, reason + ": " + message + " (" + fix + ")");
    }

    private static Optional<ContainerStateWaiting> waiting(Pod pod) {
        List<ContainerStatus> statuses =
                pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
        if (statuses == null) {
            return Optional.empty();
        }
        return statuses.stream()
                .map(ContainerStatus::getState)
                .filter(state -> state != null && state.getWaiting() != null)
                .map(state -> state.getWaiting())
                .filter(w -> w.getReason() != null)
                .findFirst();
    }

    private static Optional<PodCondition> unscheduled(Pod pod) {
        List<PodCondition> conditions =
                pod.getStatus() == null ? null : pod.getStatus().getConditions();
        if (conditions == null) {
            return Optional.empty();
        }
        return conditions.stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
                .findFirst();
    }

    private static String lastSeen(Event event) {
        return Objects.requireNonNullElse(
                event.getLastTimestamp(),
                Objects.requireNonNullElse(
                        event.getFirstTimestamp(),
                        Objects.requireNonNullElse(
                                event.getMetadata().getCreationTimestamp(), "")));
    }
}
