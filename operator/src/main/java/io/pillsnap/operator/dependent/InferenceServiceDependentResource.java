package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.desired.ServingNames;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The stable Service of a serving track, shared by the stages on the track: owned by the stage
 * whose model it sends traffic to, and every stage of the track hears of its changes.
 */
public class InferenceServiceDependentResource
        extends KubernetesDependentResource<Service, PillsnapStage>
        implements Creator<Service, PillsnapStage>,
                Updater<Service, PillsnapStage>,
                GarbageCollected<PillsnapStage>,
                SecondaryToPrimaryMapper<Service> {

    private volatile IndexedResourceCache<PillsnapStage> stages;

    public InferenceServiceDependentResource() {
        super(Service.class);
        configureWith(
                new KubernetesDependentResourceConfigBuilder<Service>()
                        .withKubernetesDependentInformerConfig(
                                InformerConfiguration.builder(Service.class)
                                        .withLabelSelector(ServingNames.SELECTOR)
                                        .build())
                        .build());
    }

    /** The stages to wake on a Service change: all of its track in its namespace. */
    public void useStages(IndexedResourceCache<PillsnapStage> stages) {
        this.stages = stages;
    }

    @Override
    public Set<ResourceID> toPrimaryResourceIDs(Service service) {
        String track =
                service.getMetadata().getLabels() == null
                        ? null
                        : service.getMetadata().getLabels().get(ApiConstants.LABEL_TRACK);
        if (stages == null || track == null) {
            return Set.of();
        }
        String namespace = service.getMetadata().getNamespace();
        return stages.list(namespace)
                .filter(s -> s.getSpec() != null && track.equals(s.getSpec().serving().track()))
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }

    /**
     * The track's Service, found by name: its owner changes with the model it serves, and a stage
     * created after it must still find it.
     */
    @Override
    public Optional<Service> getSecondaryResource(
            PillsnapStage stage, Context<PillsnapStage> context) {
        return trackService(stage);
    }

    public Optional<Service> trackService(PillsnapStage stage) {
        return eventSource()
                .flatMap(
                        source ->
                                source.get(
                                        new ResourceID(
                                                stage.getSpec().serving().track(),
                                                stage.getMetadata().getNamespace())));
    }

    @Override
    protected Service desired(PillsnapStage stage, Context<PillsnapStage> context) {
        String version =
                context.managedWorkflowAndDependentResourceContext()
                        .getMandatory(InferenceDeploymentDependentResource.VERSION, String.class);
        return InferenceServiceFactory.create(stage, version);
    }
}
