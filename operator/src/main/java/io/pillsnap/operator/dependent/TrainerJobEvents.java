package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.observe.StartProblem;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The Events that say why a trainer or reader Job has no pod: the Job controller's FailedCreate (a
 * ResourceQuota, a LimitRange or an admission policy refused the pod), which nothing in the Job's
 * status shows. Only those are listed (a field selector), and they wake the stage that owns the
 * Job.
 */
public final class TrainerJobEvents {

    private TrainerJobEvents() {}

    /**
     * @param jobs the trainer Jobs by id, from the Job informer's cache
     */
    public static InformerEventSource<Event, PillsnapStage> eventSource(
            EventSourceContext<PillsnapStage> context, Function<ResourceID, Optional<Job>> jobs) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(Event.class, PillsnapStage.class)
                        .withName("trainer-job-events")
                        .withFieldSelector(
                                new FieldSelector(
                                        new FieldSelector.Field("involvedObject.kind", "Job"),
                                        new FieldSelector.Field(
                                                "reason", StartProblem.FAILED_CREATE)))
                        // the API server filters already; a server that ignores the selector
                        // (a test double) still only wakes stages for these
                        .withGenericFilter(TrainerJobEvents::isFailedCreateOnAJob)
                        .withSecondaryToPrimaryMapper(event -> stageOf(event, jobs))
                        .build(),
                context);
    }

    static boolean isFailedCreateOnAJob(Event event) {
        ObjectReference involved = event.getInvolvedObject();
        return StartProblem.FAILED_CREATE.equals(event.getReason())
                && involved != null
                && "Job".equals(involved.getKind());
    }

    /** The stage owning the Job the Event is about, if the Job is one of its. */
    private static Set<ResourceID> stageOf(Event event, Function<ResourceID, Optional<Job>> jobs) {
        if (!isFailedCreateOnAJob(event)) {
            return Set.of();
        }
        ObjectReference involved = event.getInvolvedObject();
        String namespace =
                involved.getNamespace() != null
                        ? involved.getNamespace()
                        : event.getMetadata().getNamespace();
        return jobs.apply(new ResourceID(involved.getName(), namespace))
                .flatMap(
                        job ->
                                job.getMetadata().getOwnerReferences().stream()
                                        .filter(o -> ApiConstants.KIND.equals(o.getKind()))
                                        .findFirst())
                .map(owner -> Set.of(new ResourceID(owner.getName(), namespace)))
                .orElse(Set.of());
    }
}
