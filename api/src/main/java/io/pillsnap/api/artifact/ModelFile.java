package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An exported model of a run.
 *
 * @param role classifier or detector
 * @param file file name inside the run folder
 * @param inputShape with -1 for the dynamic batch axis
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelFile(
        String role,
        String file,
        String sha256,
        String format,
        Integer opset,
        String inputName,
        String outputName,
        List<Long> inputShape,
        String architecture) {

    public static final String CLASSIFIER = "classifier";
    public static final String DETECTOR = "detector";
}
