package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stable Service of a serving track. Its selector names one model version: switching it is how
 * traffic moves from one promoted model to the next, all at once and only when ready.
 */
public final class InferenceServiceFactory {

    private InferenceServiceFactory() {}

    /** The track's Service pointing at model {@code version} of {@code stage}. */
    public static Service create(PillsnapStage stage, String version) {
        String track = stage.getSpec().serving().track();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ApiConstants.LABEL_NAME, "pillsnap-inference");
        labels.put(ApiConstants.LABEL_COMPONENT, ServingNames.COMPONENT);
        labels.put(ApiConstants.LABEL_PART_OF, ApiConstants.PART_OF);
        labels.put(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY);
        labels.put(ApiConstants.LABEL_TRACK, track);
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(track)
                .withNamespace(stage.getMetadata().getNamespace())
                .withLabels(labels)
                .addToAnnotations(ApiConstants.GROUP + "/model-version", version)
                .endMetadata()
                .withNewSpec()
                .withSelector(
                        Map.of(
                                ApiConstants.LABEL_TRACK,
                                track,
                                ApiConstants.LABEL_COMPONENT,
                                ServingNames.COMPONENT,
                                ApiConstants.LABEL_MODEL_VERSION,
                                ServingNames.versionLabel(version)))
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
        if (service == null || service.getMetadata().getAnnotations() == null) {
            return null;
        }
        return service.getMetadata().getAnnotations().get(ApiConstants.GROUP + "/model-version");
    }
}
