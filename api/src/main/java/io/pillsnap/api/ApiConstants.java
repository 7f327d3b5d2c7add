package io.pillsnap.api;

/** Names shared by every component: API group, kinds, labels and annotations. */
public final class ApiConstants {

    public static final String GROUP = "pillsnap.io";
    public static final String VERSION = "v1alpha1";
    public static final String KIND = "PillsnapStage";
    public static final String PLURAL = "pillsnapstages";
    public static final String SHORT_NAME = "ps";
    public static final String CATEGORY = "pillsnap";
    public static final String CRD_NAME = PLURAL + "." + GROUP;

    public static final String LABEL_STAGE = GROUP + "/stage";
    public static final String LABEL_RUN = GROUP + "/run";
    public static final String LABEL_ATTEMPT = GROUP + "/attempt";
    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY = "pillsnap-operator";
    public static final String PART_OF = "pillsnap";

    public static final String LABEL_TRACK = GROUP + "/track";
    public static final String LABEL_MODEL_VERSION = GROUP + "/model-version";

    /** Kueue picks up Jobs that carry this label. */
    public static final String LABEL_KUEUE_QUEUE = "kueue.x-k8s.io/queue-name";

    /**
     * Manual promotion: set to the run id shown in {@code status.run.id} to approve that run.
     * Approving by run id means an approval never carries over to a later run.
     */
    public static final String ANNOTATION_APPROVE = GROUP + "/approve";

    /** DNS-1123 label: the names of stages a stage may refer to. */
    public static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

    /** DNS-1123 subdomain: names of Secrets and other objects. */
    public static final String DNS_SUBDOMAIN =
            "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    private ApiConstants() {}
}
