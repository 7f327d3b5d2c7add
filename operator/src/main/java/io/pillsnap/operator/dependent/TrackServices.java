package io.pillsnap.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import io.pillsnap.operator.observe.TrackConflicts;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Services of serving tracks. Shared by the stages of a track, so not a dependent of one stage:
 * read from an informer whose changes wake every stage of the track, and switched with optimistic
 * locking, so two stages deciding on stale views cannot both move the traffic. A switch changes
 * only the operator's fields (its labels and annotations, its owner references, the selector): what
 * a mesh, Argo CD or a load balancer controller put on the Service stays. A Service of the track's
 * name that is not the operator's is left alone and reported.
 */
public final class TrackServices {

    /** What came of a switch. */
    public enum Switched {
        /** The Service now sends traffic to the model. */
        DONE,
        /** The Service changed since it was observed: plan again. */
        STALE,
        /** A Service that is not the operator's has the track's name: left alone. */
        FOREIGN
    }

    /** Writes nulls, which a merge patch needs to remove an annotation. */
    private static final ObjectMapper PATCH_JSON = new ObjectMapper();

    private final TrackConflicts conflicts;
    private final Clock clock;
    private InformerEventSource<Service, PillsnapStage> informer;

    public TrackServices(TrackConflicts conflicts, Clock clock) {
        this.conflicts = conflicts;
        this.clock = clock;
    }

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
     */
    public Switched switchTo(
            KubernetesClient client, InferenceServiceFactory.Switch change, Service current) {
        try {
            Service written =
                    current == null ? create(client, change) : patch(client, change, current);
            if (written == null) {
                return Switched.FOREIGN;
            }
            conflicts.resolved(change.namespace(), change.track());
            informer.handleRecentResourceUpdate(ResourceID.fromResource(written), written, current);
            return Switched.DONE;
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return Switched.STALE;
            }
            throw e;
        }
    }

    /** Creates the Service; one already there is adopted when it is the operator's. */
    private Service create(KubernetesClient client, InferenceServiceFactory.Switch change) {
        Service desired = InferenceServiceFactory.create(change);
        try {
            return client.resource(desired).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
        }
        Service existing =
                client.services().inNamespace(change.namespace()).withName(change.track()).get();
        if (existing == null) {
            // deleted since: the next pass creates it
            throw new KubernetesClientException(
                    "Service " + change.track() + " went away",
                    HttpURLConnection.HTTP_CONFLICT,
                    null);
        }
        if (!isTheOperators(existing)) {
            conflicts.seen(change.namespace(), change.track(), clock.instant());
            return null;
        }
        // the operator's own, not yet in the informer's cache
        return patch(client, change, existing);
    }

    /**
     * A JSON merge patch of the operator's fields only, locked on the resourceVersion the switch
     * was decided from: labels and annotations are merged key by key, owner references other than
     * stages' are kept, the selector is the operator's whole.
     */
    private static Service patch(
            KubernetesClient client, InferenceServiceFactory.Switch change, Service current) {
        Service desired = InferenceServiceFactory.create(change);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("resourceVersion", current.getMetadata().getResourceVersion());
        metadata.put("labels", desired.getMetadata().getLabels());
        Map<String, Object> annotations =
                new LinkedHashMap<>(desired.getMetadata().getAnnotations());
        for (String ours : InferenceServiceFactory.ANNOTATIONS) {
            // a switch without a previous model clears what the last one recorded
            annotations.putIfAbsent(ours, null);
        }
        metadata.put("annotations", annotations);
        List<OwnerReference> owners = owners(current, desired);
        if (!owners.equals(current.getMetadata().getOwnerReferences())) {
            metadata.put("ownerReferences", owners);
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", metadata);
        patch.put("spec", Map.of("selector", desired.getSpec().getSelector()));
        try {
            return client.services()
                    .inNamespace(change.namespace())
                    .withName(change.track())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            PATCH_JSON.writeValueAsString(patch));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write the switch of track " + change.track(), e);
        }
    }

    /** The Service's owners that are not stages, then the stages that may serve the track. */
    private static List<OwnerReference> owners(Service current, Service desired) {
        List<OwnerReference> owners = new ArrayList<>();
        List<OwnerReference> existing = current.getMetadata().getOwnerReferences();
        if (existing != null) {
            existing.stream().filter(o -> !isStage(o)).forEach(owners::add);
        }
        owners.addAll(desired.getMetadata().getOwnerReferences());
        return owners;
    }

    /** Made by the operator for a track: its labels, and stages among its owners. */
    public static boolean isTheOperators(Service service) {
        Map<String, String> labels = service.getMetadata().getLabels();
        List<OwnerReference> owners = service.getMetadata().getOwnerReferences();
        return labels != null
                && ApiConstants.MANAGED_BY.equals(labels.get(ApiConstants.LABEL_MANAGED_BY))
                && labels.containsKey(ApiConstants.LABEL_TRACK)
                && owners != null
                && owners.stream().anyMatch(TrackServices::isStage);
    }

    private static boolean isStage(OwnerReference owner) {
        return ApiConstants.KIND.equals(owner.getKind())
                && owner.getApiVersion() != null
                && owner.getApiVersion().startsWith(ApiConstants.GROUP + "/");
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
