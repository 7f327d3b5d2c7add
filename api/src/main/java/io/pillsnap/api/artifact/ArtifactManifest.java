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
 *
 * @param flavour the numbers the weights need; {@code preprocessing} carries its mean and std
 * @param metrics validation metrics of the chosen checkpoint (the split that chose it), latency
 * @param testMetrics the same checkpoint on the test set (the dataset's val/ folder), scored once
 * @param exportCheck the classifier's export check; null in a run without a classifier
 * @param detectorExportCheck the detector's export check; null in a run without a detector
 * @param calibration the classifier's temperature and answer threshold; null in a run without a
 *     classifier and in manifests written before calibration (served as temperature 1, threshold 0:
 *     every photo answered)
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
        ModelFlavour flavour,
        ClassMap classes,
        List<ModelFile> models,
        Map<String, Double> metrics,
        Map<String, Double> testMetrics,
        ExportCheck exportCheck,
        DetectorExportCheck detectorExportCheck,
        Lineage lineage,
        Calibration calibration) {

    public static final int SCHEMA = 1;
    public static final String FILE = "manifest.json";

    public ArtifactManifest {
        models = models == null ? List.of() : List.copyOf(models);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        testMetrics = testMetrics == null ? Map.of() : Map.copyOf(testMetrics);
    }

    /**
     * Data and initial weights of the run.
     *
     * @param testImages photos of the test set (the dataset's val/ folder) the run was scored on;
     *     null when the dataset has none
     * @param pretrained the imported weight file, with its SHA-256 in {@code pretrainedSha256}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Lineage(
            String datasetManifestSha256,
            String classMapSha256,
            int trainImages,
            int valImages,
            Integer testImages,
            int skippedFiles,
            String initFrom,
            String pretrained,
            String pretrainedSha256) {}

    /**
     * How the classifier's logits become the confidence that is shown and thresholded: {@code
     * softmax(logits / temperature)}, and a drug is named only when the top-1 confidence is at
     * least {@code threshold} ("not sure" below it).
     *
     * @param temperature fitted on the validation split by minimising the negative log-likelihood
     * @param answerPrecision the precision the answered validation photos had to reach
     *     (spec.serving.answerPrecision)
     * @param threshold the lowest calibrated top-1 confidence whose answered validation photos
     *     reach {@code answerPrecision}; {@code Math.nextUp(1.0)}, above every probability, when
     *     none reaches it (nothing is answered)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Calibration(double temperature, double answerPrecision, double threshold) {

        /**
         * What a manifest without calibration is served with: raw softmax, every photo answered.
         */
        public static final Calibration NONE = new Calibration(1.0, 0.0, 0.0);

        public Calibration {
            if (!(temperature > 0) || !Double.isFinite(temperature)) {
                throw new IllegalArgumentException(
                        "calibration temperature must be a positive number, got " + temperature);
            }
        }

        /** Whether a calibrated top-1 confidence is high enough to name the drug. */
        public boolean answers(double confidence) {
            return confidence >= threshold;
        }
    }

    public Optional<ModelFile> model(String role) {
        return models.stream().filter(m -> role.equals(m.role())).findFirst();
    }

    /** "stage/run", how the serving side names a model version. */
    public String version() {
        return stageName + "/" + runId;
    }
}
