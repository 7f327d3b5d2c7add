package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** What the run produced and how well the exported model matches the trained one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactStatus(
        @JsonPropertyDescription("Run folder on the artifacts volume claim.") String path,
        @JsonPropertyDescription("Artifacts volume claim.") String claimName,
        @JsonPropertyDescription("manifest.json and the exported ONNX models.")
                List<ArtifactFile> files,
        @JsonPropertyDescription(
                        "Largest absolute logit difference between the trained model and its"
                                + " ONNX export on validation images.")
                Double exportMaxAbsDiff,
        @JsonPropertyDescription(
                        "Fraction of validation images with the same top-1 class in the trained"
                                + " model and its ONNX export.")
                Double exportTop1Agreement,
        @JsonPropertyDescription(
                        "Whether the export passed the trainer's equivalence tolerance; absent"
                                + " when the trainer did not check.")
                Boolean exportPassed) {}
