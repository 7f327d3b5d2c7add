package io.pillsnap.operator.desired;

import io.pillsnap.api.ApiConstants;
import java.util.LinkedHashMap;
import java.util.Map;

/** Labels of the trainer's objects; the operator's informers select by them. */
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

    private TrainerLabels() {}

    public static Map<String, String> forRun(String stageName, int runNumber) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ApiConstants.LABEL_NAME, "pillsnap-trainer");
        labels.put(ApiConstants.LABEL_COMPONENT, COMPONENT);
        labels.put(ApiConstants.LABEL_PART_OF, ApiConstants.PART_OF);
        labels.put(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY);
        labels.put(ApiConstants.LABEL_STAGE, stageName);
        labels.put(ApiConstants.LABEL_RUN, Integer.toString(runNumber));
        return labels;
    }

    public static Map<String, String> forAttempt(String stageName, int runNumber, int attempt) {
        Map<String, String> labels = forRun(stageName, runNumber);
        labels.put(ApiConstants.LABEL_ATTEMPT, Integer.toString(attempt));
        return labels;
    }
}
