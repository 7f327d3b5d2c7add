package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where the promoted model came from. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LineageStatus(
        @JsonPropertyDescription("SHA-256 of the sampled dataset manifest.")
                String datasetManifestSha256,
        @JsonPropertyDescription("SHA-256 of the class map (index to EDI code).")
                String classMapSha256,
        @JsonPropertyDescription("Classes in the class map.") Integer classes,
        @JsonPropertyDescription("Training images.") Integer trainImages,
        @JsonPropertyDescription(
                        "Validation images: the split of the training data that chose the"
                                + " checkpoint.")
                Integer valImages,
        @JsonPropertyDescription(
                        "Test images: the dataset's val/ folder, evaluated once at the end of the"
                                + " run; absent when the dataset has none.")
                Integer testImages,
        @JsonPropertyDescription("Images and labels skipped as unreadable.") Integer skippedFiles,
        @JsonPropertyDescription("Trainer image that produced the run.") String trainerImage,
        @JsonPropertyDescription("Stage and run the weights were initialised from.")
                String initFrom) {}
