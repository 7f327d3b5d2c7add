package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.observe.KueueWorkloads;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Kueue's Workloads, read only where the cluster serves them: the Workload of a trainer Job says
 * why it waits suspended (no quota in its ClusterQueue) or why it was evicted, and its changes wake
 * the stage that owns the Job.
 */
public final class KueueWorkloadEvents {

    private KueueWorkloadEvents() {}

    /**
     * @param jobs the trainer Jobs by id, from the Job informer's cache
     */
    public static InformerEventSource<GenericKubernetesResource, PillsnapStage> eventSource(
            EventSourceContext<PillsnapStage> context, Function<ResourceID, Optional<Job>> jobs) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(
                                new GroupVersionKind(
                                        KueueWorkloads.GROUP,
                                        KueueWorkloads.VERSION,
                                        KueueWorkloads.KIND),
                                PillsnapStage.class)
                        .withName("kueue-workloads")
                        .withSecondaryToPrimaryMapper(workload -> stageOf(workload, jobs))
                        .build(),
                context);
    }

    /** The stage owning the trainer Job the Workload is for, when it is one of ours. */
    private static Set<ResourceID> stageOf(
            GenericKubernetesResource workload, Function<ResourceID, Optional<Job>> jobs) {
        String namespace = workload.getMetadata().getNamespace();
        if (workload.getMetadata().getOwnerReferences() == null) {
            return Set.of();
        }
        for (OwnerReference owner : workload.getMetadata().getOwnerReferences()) {
            if (!"Job".equals(owner.getKind())) {
                continue;
            }
            Optional<ResourceID> stage =
                    jobs.apply(new ResourceID(owner.getName(), namespace))
                            .filter(job -> owner.getUid().equals(job.getMetadata().getUid()))
                            .flatMap(
                                    job ->
                                            job.getMetadata().getOwnerReferences().stream()
                                                    .filter(
                                                            o ->
                                                                    ApiConstants.KIND.equals(
                                                                            o.getKind()))
                                                    .findFirst())
                            .map(o -> new ResourceID(o.getName(), namespace));
            if (stage.isPresent()) {
                return Set.of(stage.get());
            }
        }
        return Set.of();
    }
}
