package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.observe.ServingObserver;
import io.pillsnap.operator.observe.StageIndex;
import java.net.HttpURLConnection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Services of serving tracks. Shared by the stages of a track, so not a dependent of one stage:
 * read from an informer whose changes wake every stage of the track, and switched with optimistic
 * locking, so two stages deciding on stale views cannot both move the traffic.
 */
public final class TrackServices {

    private InformerEventSource<Service, PillsnapStage> informer;

    public InformerEventSource<Service, PillsnapStage> eventSource(
            EventSourceContext<PillsnapStage> context, IndexedResourceCache<PillsnapStage> stages) {
        informer =
                new InformerEventSource<>(
                        InformerEventSourceConfiguration.from(Service.class, PillsnapStage.class)
                                .withName("track-services")
                                .withLabelSelector(ServingNames.SELECTOR)
                                .withSecondaryToPrimaryMapper(service -> stagesOf(service, stages))
                                .build(),
                        context);
        return informer;
    }

    public Optional<Service> of(PillsnapStage stage) {
        return informer.get(
                new ResourceID(
                        stage.getSpec().serving().track(), stage.getMetadata().getNamespace()));
    }

    /**
     * Points the track's Service at a model, recording the switch on it.
     *
     * @param current the Service as observed; null when there was none
     * @return false when the Service changed since it was observed (look again)
     */
    public boolean switchTo(
            KubernetesClient client, InferenceServiceFactory.Switch change, Service current) {
        Service desired = InferenceServiceFactory.create(change);
        try {
            Service written;
            if (current == null) {
                written = client.resource(desired).create();
            } else {
                // keep what the API server allocated (clusterIP and the like); the
                // resourceVersion makes the update fail if someone switched it meanwhile
                Service updated =
                        new ServiceBuilder(current)
                                .editMetadata()
                                .withLabels(desired.getMetadata().getLabels())
                                .withAnnotations(desired.getMetadata().getAnnotations())
                                .withOwnerReferences(desired.getMetadata().getOwnerReferences())
                                .endMetadata()
                                .editSpec()
                                .withSelector(desired.getSpec().getSelector())
                                .withPorts(desired.getSpec().getPorts())
                                .endSpec()
                                .build();
                written = client.resource(updated).update();
            }
            informer.handleRecentResourceUpdate(ResourceID.fromResource(written), written, current);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return false;
            }
            throw e;
        }
    }

    /** The stages of the Service's track in its namespace that take part in serving it. */
    private static Set<ResourceID> stagesOf(
            Service service, IndexedResourceCache<PillsnapStage> stages) {
        String track =
                service.getMetadata().getLabels() == null
                        ? null
                        : service.getMetadata().getLabels().get(ApiConstants.LABEL_TRACK);
        if (track == null) {
            return Set.of();
        }
        return StageIndex.onTrack(stages, service.getMetadata().getNamespace(), track).stream()
                .filter(ServingObserver::takesPartInServing)
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet());
    }
}
