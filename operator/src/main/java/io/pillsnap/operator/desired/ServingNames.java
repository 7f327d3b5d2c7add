package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of the inference objects of a promoted model. */
public final class ServingNames {

    public static final String COMPONENT = "inference";
    public static final String SELECTOR =
            ApiConstants.LABEL_MANAGED_BY
                    + "="
                    + ApiConstants.MANAGED_BY
                    + ","
                    + ApiConstants.LABEL_COMPONENT
                    + "="
                    + COMPONENT;
    public static final int HTTP_PORT = 8000;
    public static final String MODELS_MOUNT = "/models";

    private ServingNames() {}

    /**
     * A short hash of a stage's spec.serving: a rollout that failed is tried again once it changes.
     */
    public static String specHash(ServingSpec spec) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(Serialization.asJson(spec).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model version: stage and run, as the inference server reports it. */
    public static String version(PillsnapStage stage) {
        return stage.getMetadata().getName() + "/" + stage.getStatus().run().id();
    }

    /** A version as a label value: stage.runid, the stage's name hashed when too long. */
    public static String versionLabel(String version) {
        int slash = version.indexOf('/');
        return RunNames.fit(version.substring(0, slash), "." + version.substring(slash + 1));
    }

    /**
     * The Deployment serving a model version: stage-runid, the stage's name hashed when too long
     * (never the run id: each run has its own Deployment).
     */
    public static String deploymentName(String version) {
        int slash = version.indexOf('/');
        return RunNames.fit(version.substring(0, slash), "-" + version.substring(slash + 1));
    }

    /** The run folder of a model version, relative to the artifacts claim. */
    public static String artifactsPath(String namespace, String version) {
        int slash = version.indexOf('/');
        return RunNames.artifactsPath(
                namespace, version.substring(0, slash), version.substring(slash + 1));
    }

    /** Full model version (stage/run id) on inference objects; labels hold a shortened form. */
    public static final String ANNOTATION_MODEL_VERSION = ApiConstants.GROUP + "/model-version";

    /** Labels of the Deployment: its pods' labels and the track it serves. */
    public static Map<String, String> labels(PillsnapStage stage, String version) {
        Map<String, String> labels = podLabels(stage, version);
        labels.put(ApiConstants.LABEL_TRACK, stage.getSpec().serving().track());
        return labels;
    }

    /**
     * Labels of a model's pods. The track is not among them, so that moving a stage to another
     * track changes no pod and no (immutable) Deployment selector.
     */
    public static Map<String, String> podLabels(PillsnapStage stage, String version) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ApiConstants.LABEL_NAME, "pillsnap-inference");
        labels.put(ApiConstants.LABEL_COMPONENT, COMPONENT);
        labels.put(ApiConstants.LABEL_PART_OF, ApiConstants.PART_OF);
        labels.put(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY);
        labels.put(ApiConstants.LABEL_STAGE, RunNames.labelValue(stage.getMetadata().getName()));
        labels.put(ApiConstants.LABEL_MODEL_VERSION, versionLabel(version));
        return labels;
    }

    /** Selects the pods of one model version, on any track. */
    public static Map<String, String> selector(String version) {
        Map<String, String> selector = new LinkedHashMap<>();
        selector.put(ApiConstants.LABEL_COMPONENT, COMPONENT);
        selector.put(ApiConstants.LABEL_MODEL_VERSION, versionLabel(version));
        return selector;
    }
}
