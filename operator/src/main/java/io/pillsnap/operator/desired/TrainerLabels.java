package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pillsnap.api.ApiConstants;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels and annotations of the trainer's objects; the operator's informers select by them. */
public final class TrainerLabels {

    public static final String COMPONENT = "trainer";

    /** Selects every trainer object this operator made. */
    public static final String SELECTOR =
            ApiConstants.LABEL_MANAGED_BY
                    + "="
                    + ApiConstants.MANAGED_BY
                    + ","
                    + ApiConstants.LABEL_COMPONENT
                    + "="
                    + COMPONENT;

    /**
     * The stage's name, whole, on trainer and reader pods (their stage label may be a hashed form):
     * how a pod's events find their stage.
     */
    public static final String ANNOTATION_STAGE = ApiConstants.GROUP + "/stage-name";

    /** The hash of the spec fields a trainer Job was made from, as the stage's status recorded. */
    public static final String ANNOTATION_SPEC_HASH = ApiConstants.GROUP + "/spec-hash";

    /** The run an object belongs to (a run id is unique per stage object). */
    public static final String ANNOTATION_RUN_ID = ApiConstants.GROUP + "/run-id";

    /** What a trainer-side Job does: trains an attempt, or reads a run's result file. */
    public static final String LABEL_ROLE = ApiConstants.GROUP + "/role";

    /** Which read of a run's result file a result reader Job is, from 1. */
    public static final String LABEL_READ = ApiConstants.GROUP + "/read";

    public static final String ROLE_TRAINER = "trainer";
    public static final String ROLE_RESULT_READER = "result-reader";

    private TrainerLabels() {}

    public static Map<String, String> forRun(String stageName, int runNumber) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ApiConstants.LABEL_NAME, "pillsnap-trainer");
        labels.put(ApiConstants.LABEL_COMPONENT, COMPONENT);
        labels.put(ApiConstants.LABEL_PART_OF, ApiConstants.PART_OF);
        labels.put(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY);
        labels.put(ApiConstants.LABEL_STAGE, RunNames.labelValue(stageName));
        labels.put(ApiConstants.LABEL_RUN, Integer.toString(runNumber));
        return labels;
    }

    public static Map<String, String> forAttempt(String stageName, int runNumber, int attempt) {
        Map<String, String> labels = forRun(stageName, runNumber);
        labels.put(LABEL_ROLE, ROLE_TRAINER);
        labels.put(ApiConstants.LABEL_ATTEMPT, Integer.toString(attempt));
        return labels;
    }

    public static Map<String, String> forResultReader(String stageName, int runNumber, int read) {
        Map<String, String> labels = forRun(stageName, runNumber);
        labels.put(LABEL_ROLE, ROLE_RESULT_READER);
        labels.put(LABEL_READ, Integer.toString(read));
        return labels;
    }

    public static boolean isResultReader(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels != null && ROLE_RESULT_READER.equals(labels.get(LABEL_ROLE));
    }
}
