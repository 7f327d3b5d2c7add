package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One file the run produced, with its checksum. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ArtifactFile(
        @JsonPropertyDescription("Role of the file: manifest, classifier or detector.") String name,
        @JsonPropertyDescription("Path relative to the artifacts volume.") String path,
        @JsonPropertyDescription("SHA-256 of the file, hex.") String sha256) {}
