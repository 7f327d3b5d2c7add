package io.pillsnap.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.inference.testing.Manifests;
import io.pillsnap.inference.testing.TrainedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run folder must be to be served; each refusal names the file and the cause. */
class ManifestLoaderTest {

    static TrainedRun run;
    final ManifestLoader loader = new ManifestLoader(1);

    @BeforeAll
    static void train() {
        run = TrainedRun.get();
    }

    @Test
    void loadsAVerifiedRunAndClassifiesWithIt() throws Exception {
        LoadedModel model = loader.load(run.runDir());
        try {
            assertThat(model.version()).isEqualTo("tiny/first");
            assertThat(model.detector()).isEmpty();
            assertThat(model.classifier().classCount()).isEqualTo(TrainedRun.CLASSES);
            var top = model.classifier().classify(new float[3 * 48 * 48 * 2], 2, 3);
            assertThat(top).hasSize(2);
            assertThat(top.get(0)).hasSize(3);
        } finally {
            model.retire();
        }
    }

    @Test
    void aModelFileWithOneByteChangedIsRefusedNamingTheFileAndBothHashes() throws Exception {
        Path copy = run.copyAs("tampered-loader");
        flipOneByte(copy.resolve("classifier.onnx"));
        String listed = run.manifest().models().get(0).sha256();

        assertThatThrownBy(() -> loader.load(copy))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch for classifier.onnx")
                .hasMessageContaining(listed)
                .hasMessageContaining(ManifestLoader.sha256(copy.resolve("classifier.onnx")));
    }

    @Test
    void aMissingModelFileIsRefused() throws IOException {
        Path copy = run.copyAs("missing-file");
        Files.delete(copy.resolve("classifier.onnx"));

        assertThatThrownBy(() -> loader.load(copy))
                .hasMessageContaining("classifier.onnx")
                .hasMessageContaining("missing");
    }

    @Test
    void theManifestRecordsTheFlavourAndItsNormalisationIsWhatTheServerFeeds() {
        ArtifactManifest manifest = run.manifest();

        assertThat(manifest.flavour().name()).isEqualTo("timm");
        assertThat(manifest.flavour().batchNormEpsilon()).isEqualTo(1e-5);
        assertThat(manifest.preprocessing().mean()).isEqualTo(manifest.flavour().mean());
        assertThat(manifest.preprocessing().std()).isEqualTo(manifest.flavour().std());
    }

    @Test
    void aNormalisationThatContradictsTheFlavourIsRefused() {
        Path copy = run.copyAs("other-normalisation");
        Manifests.edit(
                copy,
                m -> {
                    ArrayNode mean = m.with("preprocessing").putArray("mean");
                    mean.add(0.5).add(0.5).add(0.5);
                });

        assertThatThrownBy(() -> loader.load(copy))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("normalises inputs with mean [0.5, 0.5, 0.5]")
                .hasMessageContaining("flavour timm expects mean [0.485, 0.456, 0.406]");
    }

    @Test
    void aFailedExportCheckIsRefused() {
        Path copy = run.copyAs("export-failed");
        Manifests.edit(copy, m -> m.with("exportCheck").put("passed", false));

        assertThatThrownBy(() -> loader.load(copy))
                .hasMessageContaining("tiny/export-failed")
                .hasMessageContaining("export check failed");
    }

    @Test
    void aRunWithoutExportCheckIsRefused() {
        Path copy = run.copyAs("no-export-check");
        Manifests.edit(copy, m -> m.remove("exportCheck"));

        assertThatThrownBy(() -> loader.load(copy)).hasMessageContaining("no exportCheck");
    }

    @Test
    void anUnreadableManifestIsRefused() throws IOException {
        Path copy = run.copyAs("broken-manifest");
        Files.writeString(copy.resolve(ArtifactManifest.FILE), "{\"schema\": 1, \"classes\": [");

        assertThatThrownBy(() -> loader.load(copy))
                .hasMessageContaining("cannot read")
                .hasMessageContaining(ArtifactManifest.FILE);
    }

    @Test
    void aFolderWithoutManifestIsRefused(@TempDir Path empty) {
        assertThatThrownBy(() -> loader.load(empty)).hasMessageContaining("has no manifest.json");
    }

    @Test
    void aModelFileOutsideTheRunFolderIsRefused() {
        Path copy = run.copyAs("escaping-path");
        Manifests.edit(
                copy,
                m ->
                        ((ObjectNode) m.path("models").get(0))
                                .put("file", "../first/classifier.onnx"));

        assertThatThrownBy(() -> loader.load(copy)).hasMessageContaining("not a file name inside");
    }

    @Test
    void aClassCountTheModelDoesNotAnswerIsRefused() {
        Path copy = run.copyAs("wrong-classes");
        Manifests.edit(
                copy,
                m -> {
                    var classes = (ArrayNode) m.path("classes").path("classes");
                    classes.remove(classes.size() - 1);
                });

        assertThatThrownBy(() -> loader.load(copy))
                .hasMessageContaining((TrainedRun.CLASSES - 1) + " classes");
    }

    @Test
    void theManifestsCalibrationIsServedAndARunWithoutOneGetsNone() throws Exception {
        Path calibrated = run.copyAs("loader-calibrated");
        Manifests.edit(
                calibrated,
                m ->
                        m.putObject("calibration")
                                .put("temperature", 1.5)
                                .put("answerPrecision", 0.99)
                                .put("threshold", 0.8));
        Path plain = run.copyAs("loader-uncalibrated");
        Manifests.edit(plain, m -> m.remove("calibration"));

        LoadedModel withCalibration = loader.load(calibrated);
        LoadedModel without = loader.load(plain);
        try {
            assertThat(withCalibration.calibration())
                    .isEqualTo(new ArtifactManifest.Calibration(1.5, 0.99, 0.8));
            assertThat(without.calibration()).isEqualTo(ArtifactManifest.Calibration.NONE);
        } finally {
            withCalibration.retire();
            without.retire();
        }
    }

    @Test
    void aCalibrationThresholdThatIsNotAConfidenceIsRefused() {
        Path copy = run.copyAs("threshold-over-one");
        Manifests.edit(
                copy,
                m ->
                        m.putObject("calibration")
                                .put("temperature", 1.5)
                                .put("answerPrecision", 0.99)
                                .put("threshold", 1.5));

        assertThatThrownBy(() -> loader.load(copy))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("calibration.threshold 1.5")
                .hasMessageContaining("export the run again");
    }

    /**
     * A copy of the two-stage run (classifier.onnx and detector.onnx), its detector export check
     * passed or edited to a failed one.
     */
    private Path withDetector(String runId, boolean checkPassed) {
        Path copy = TrainedRun.twoStage().copyAs(runId);
        if (!checkPassed) {
            Manifests.edit(
                    copy,
                    m ->
                            ((ObjectNode) m.path("detectorExportCheck"))
                                    .put("maxAbsDiff", 0.5)
                                    .put("boxes", 180)
                                    .put("exportedBoxes", 171)
                                    .put("matchedBoxes", 169)
                                    .put("passed", false));
        }
        return copy;
    }

    @Test
    void aRunWithADetectorLoadsBoth() throws Exception {
        LoadedModel model = loader.load(withDetector("two-stage", true));
        try {
            assertThat(model.detector()).isPresent();
            assertThat(model.detector().get().imageSize())
                    .isEqualTo(
                            TrainedRun.twoStage()
                                    .manifest()
                                    .model("detector")
                                    .orElseThrow()
                                    .inputShape()
                                    .get(2)
                                    .intValue());
        } finally {
            model.retire();
        }
    }

    @Test
    void aDetectorWithOneByteChangedIsRefusedNamingTheFile() throws Exception {
        Path copy = withDetector("tampered-detector", true);
        loader.load(copy).retire();
        flipOneByte(copy.resolve("detector.onnx"));

        assertThatThrownBy(() -> loader.load(copy))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch for detector.onnx");
    }

    @Test
    void aDetectorWhoseExportCheckFailedIsRefused() throws Exception {
        Path copy = withDetector("detector-check-failed", false);

        assertThatThrownBy(() -> loader.load(copy))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("the detector's export check failed")
                .hasMessageContaining("169 of 180 boxes matched");
    }

    @Test
    void aDetectorWithoutExportCheckIsRefused() throws Exception {
        Path copy = withDetector("detector-unchecked", true);
        Manifests.edit(copy, m -> m.remove("detectorExportCheck"));

        assertThatThrownBy(() -> loader.load(copy))
                .hasMessageContaining("lists a detector but no detectorExportCheck");
    }

    static void flipOneByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
    }
}
