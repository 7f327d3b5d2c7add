package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.pillsnap.api.ApiConstants;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stable Service of a serving track. Its selector names one model version: switching it is how
 * traffic moves from one promoted model to the next, all at once and only when ready. The switch is
 * recorded on the Service itself (current and previous model, when, until when the previous model
 * keeps its pods), so a crash between the switch and a status write loses nothing. It is owned by
 * every stage that could serve the track, so deleting one stage never deletes it while another can
 * serve.
 */
public final class InferenceServiceFactory {

    public static final String ANNOTATION_PREVIOUS_VERSION =
            ApiConstants.GROUP + "/previous-model-version";
    public static final String ANNOTATION_SWITCHED_AT = ApiConstants.GROUP + "/switched-at";
    public static final String ANNOTATION_PREVIOUS_SCALE_DOWN_AT =
            ApiConstants.GROUP + "/previous-scale-down-at";

    /** The annotations by which the Service records a switch; the operator's alone. */
    public static final List<String> ANNOTATIONS =
            List.of(
                    ServingNames.ANNOTATION_MODEL_VERSION,
                    ANNOTATION_PREVIOUS_VERSION,
                    ANNOTATION_SWITCHED_AT,
                    ANNOTATION_PREVIOUS_SCALE_DOWN_AT);

    private InferenceServiceFactory() {}

    /** What the track's Service records of its last switch. */
    public record Switch(
            String namespace,
            String track,
            String version,
            String previousVersion,
            Instant switchedAt,
            Instant previousScaleDownAt,
            List<OwnerReference> owners) {}

    public static Service create(Switch change) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ApiConstants.LABEL_NAME, "pillsnap-inference");
        labels.put(ApiConstants.LABEL_COMPONENT, ServingNames.COMPONENT);
        labels.put(ApiConstants.LABEL_PART_OF, ApiConstants.PART_OF);
        labels.put(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY);
        labels.put(ApiConstants.LABEL_TRACK, change.track());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ServingNames.ANNOTATION_MODEL_VERSION, change.version());
        if (change.previousVersion() != null) {
            annotations.put(ANNOTATION_PREVIOUS_VERSION, change.previousVersion());
            annotations.put(
                    ANNOTATION_PREVIOUS_SCALE_DOWN_AT, change.previousScaleDownAt().toString());
        }
        annotations.put(ANNOTATION_SWITCHED_AT, change.switchedAt().toString());
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(change.track())
                .withNamespace(change.namespace())
                .withLabels(labels)
                .withAnnotations(annotations)
                .withOwnerReferences(change.owners())
                .endMetadata()
                .withNewSpec()
                .withSelector(ServingNames.selector(change.version()))
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withNewTargetPort("http")
                .endPort()
                .endSpec()
                .build();
    }

    /** The model version a track Service sends traffic to, or null. */
    public static String servedVersion(Service service) {
        return annotation(service, ServingNames.ANNOTATION_MODEL_VERSION);
    }

    public static String annotation(Service service, String key) {
        if (service == null || service.getMetadata().getAnnotations() == null) {
            return null;
        }
        return service.getMetadata().getAnnotations().get(key);
    }
}
