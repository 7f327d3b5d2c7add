package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model card of a run, {@code manifest.json} in its folder: what was trained on what, how to
 * feed it, what it scored, and the files with their checksums. The inference server serves a run
 * from this file alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArtifactManifest(
        int schema,
        String namespace,
        String stageName,
        Integer stage,
        String runId,
        String createdAt,
        String trainerVersion,
        Preprocessing preprocessing,
        ClassMap classes,
        List<ModelFile> models,
        Map<String, Double> metrics,
        ExportCheck exportCheck,
        Lineage lineage) {

    public static final int SCHEMA = 1;
    public static final String FILE = "manifest.json";

    public ArtifactManifest {
        models = models == null ? List.of() : List.copyOf(models);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    /** Data and initial weights of the run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lineage(
            String datasetManifestSha256,
            String classMapSha256,
            int trainImages,
            int valImages,
            int skippedFiles,
            String initFrom) {}

    public Optional<ModelFile> model(String role) {
        return models.stream().filter(m -> role.equals(m.role())).findFirst();
    }

    /** "stage/run", how the serving side names a model version. */
    public String version() {
        return stageName + "/" + runId;
    }
}
