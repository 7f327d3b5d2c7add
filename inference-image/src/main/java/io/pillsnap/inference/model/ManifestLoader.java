package io.pillsnap.inference.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ArtifactManifest.Calibration;
import io.pillsnap.api.artifact.DetectorExportCheck;
import io.pillsnap.api.artifact.Digests;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.ModelFlavour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a run folder for serving: reads {@code manifest.json}, refuses runs whose export check
 * failed, verifies the SHA-256 of every model file it lists, then opens the sessions. Nothing is
 * served from a folder that fails any of these.
 */
public final class ManifestLoader {

    private static final Logger log = LoggerFactory.getLogger(ManifestLoader.class);

    private final ObjectMapper json =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final int intraOpThreads;

    /**
     * @param intraOpThreads threads one inference may use; 0 lets ONNX Runtime pick
     */
    public ManifestLoader(int intraOpThreads) {
        this.intraOpThreads = intraOpThreads;
    }

    public LoadedModel load(Path directory) throws ModelLoadException {
        Path dir = directory.toAbsolutePath().normalize();
        ArtifactManifest manifest = read(dir);
        checkExport(manifest);
        ModelFile classifierFile =
                manifest.model(ModelFile.CLASSIFIER)
                        .orElseThrow(
                                () ->
                                        new ModelLoadException(
                                                dir.resolve(ArtifactManifest.FILE)
                                                        + " lists no classifier model"
                                                        + " (models[].role = classifier)"));
        for (ModelFile model : manifest.models()) {
            verify(dir, model);
        }
        if (manifest.model(ModelFile.DETECTOR).isPresent()) {
            checkDetectorExport(manifest);
        }
        Calibration calibration =
                manifest.calibration() == null ? Calibration.NONE : manifest.calibration();
        OnnxClassifier classifier =
                OnnxClassifier.open(
                        dir.resolve(classifierFile.file()),
                        classifierFile,
                        manifest.preprocessing().imageSize(),
                        manifest.classes().size(),
                        calibration.temperature(),
                        intraOpThreads);
        log.info(
                "loaded {} from {}: {} classes, input {} px, {} (sha256 {})",
                manifest.version(),
                dir,
                manifest.classes().size(),
                manifest.preprocessing().imageSize(),
                classifierFile.file(),
                classifierFile.sha256());
        if (manifest.calibration() == null) {
            log.info(
                    "{}: the manifest has no calibration: raw softmax, every photo answered",
                    manifest.version());
        } else {
            log.info(
                    "{}: temperature {}; a drug is named from confidence {} on (answer precision"
                            + " {} on validation), 'not sure' below",
                    manifest.version(),
                    calibration.temperature(),
                    calibration.threshold(),
                    calibration.answerPrecision());
        }
        // the detector opens with the classifier, not on the first combination request as the
        // original did: a broken detector.onnx then fails the load (and a reload keeps the old
        // model) instead of failing users' requests later, and the first combo answer is as
        // fast as the others; a CPU detector of a few MB costs little memory
        OnnxDetector detector = null;
        if (manifest.model(ModelFile.DETECTOR).isPresent()) {
            ModelFile detectorFile = manifest.model(ModelFile.DETECTOR).get();
            try {
                detector =
                        OnnxDetector.open(
                                dir.resolve(detectorFile.file()), detectorFile, intraOpThreads);
            } catch (ModelLoadException e) {
                classifier.close();
                throw e;
            }
            log.info(
                    "{}: detector {} ({} px, sha256 {}): mode=combo available",
                    manifest.version(),
                    detectorFile.file(),
                    detector.imageSize(),
                    detectorFile.sha256());
        }
        return new LoadedModel(dir, manifest, calibration, classifier, detector);
    }

    /** The manifest of a run folder, checked for the parts serving needs. */
    public ArtifactManifest read(Path dir) throws ModelLoadException {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException(
                    "model directory "
                            + dir
                            + " does not exist or is not a folder (expected a run folder with "
                            + ArtifactManifest.FILE
                            + ")");
        }
        Path file = dir.resolve(ArtifactManifest.FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(
                    dir + " has no " + ArtifactManifest.FILE + ": is it a finished run's folder?");
        }
        ArtifactManifest manifest;
        try {
            manifest = json.readValue(file.toFile(), ArtifactManifest.class);
        } catch (JacksonException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (manifest.schema() != ArtifactManifest.SCHEMA) {
            throw new ModelLoadException(
                    file
                            + " has schema "
                            + manifest.schema()
                            + "; this server reads schema "
                            + ArtifactManifest.SCHEMA);
        }
        if (manifest.preprocessing() == null
                || manifest.classes() == null
                || manifest.classes().size() == 0) {
            throw new ModelLoadException(
                    file + " lacks preprocessing or classes: it cannot be served");
        }
        ModelFlavour flavour = manifest.flavour();
        if (flavour != null
                && (!flavour.mean().equals(manifest.preprocessing().mean())
                        || !flavour.std().equals(manifest.preprocessing().std()))) {
            throw new ModelLoadException(
                    file
                            + " normalises inputs with mean "
                            + manifest.preprocessing().mean()
                            + " and std "
                            + manifest.preprocessing().std()
                            + ", but its weights' flavour "
                            + flavour.name()
                            + " expects mean "
                            + flavour.mean()
                            + " and std "
                            + flavour.std()
                            + ": the model card was edited or written by a broken trainer; export"
                            + " the run again");
        }
        checkCalibration(file, manifest.calibration());
        return manifest;
    }

    private static void checkCalibration(Path file, Calibration calibration)
            throws ModelLoadException {
        // a threshold just over 1 is the trainer's way of saying nothing reached the precision
        if (calibration != null
                && !(calibration.threshold() >= 0 && calibration.threshold() <= Math.nextUp(1.0))) {
            throw new ModelLoadException(
                    file
                            + " has calibration.threshold "
                            + calibration.threshold()
                            + ", which is not a confidence (0 to 1, or just over 1 when nothing is"
                            + " answered): the model card was edited or written by a broken"
                            + " trainer; export the run again");
        }
    }

    private static void checkExport(ArtifactManifest manifest) throws ModelLoadException {
        ExportCheck check = manifest.exportCheck();
        if (check == null) {
            throw new ModelLoadException(
                    manifest.version()
                            + ": the manifest has no exportCheck, so nothing shows the ONNX"
                            + " model computes what was trained; export the run again");
        }
        if (!check.passed()) {
            throw new ModelLoadException(
                    String.format(
                            Locale.ROOT,
                            "%s: the export check failed (max abs logit difference %.3g, allowed"
                                    + " %.3g, top-1 agreement %.4f on %d images):"
                                    + " the ONNX model does not compute what was trained",
                            manifest.version(),
                            check.maxAbsDiff(),
                            ExportCheck.allowed(check.tolerance(), check.largestLogit()),
                            check.top1Agreement(),
                            check.images()));
        }
    }

    private static void checkDetectorExport(ArtifactManifest manifest) throws ModelLoadException {
        DetectorExportCheck check = manifest.detectorExportCheck();
        if (check == null) {
            throw new ModelLoadException(
                    manifest.version()
                            + ": the manifest lists a detector but no detectorExportCheck, so"
                            + " nothing shows detector.onnx computes what was trained; export the"
                            + " run again");
        }
        if (!check.passed()) {
            throw new ModelLoadException(
                    String.format(
                            Locale.ROOT,
                            "%s: the detector's export check failed (max abs head difference %.3g,"
                                    + " allowed %.3g; %d of %d boxes matched at IoU >= %.2f on %d"
                                    + " photos): detector.onnx does not compute what was trained",
                            manifest.version(),
                            check.maxAbsDiff(),
                            check.tolerance() * Math.max(1, check.largestOutput()),
                            check.matchedBoxes(),
                            check.boxes(),
                            check.minIou(),
                            check.images()));
        }
    }

    private static void verify(Path dir, ModelFile model) throws ModelLoadException {
        Path file = dir.resolve(model.file()).normalize();
        if (!file.getParent().equals(dir)) {
            throw new ModelLoadException(
                    "the manifest lists model file '"
                            + model.file()
                            + "', which is not a file name inside "
                            + dir);
        }
        if (!"onnx".equalsIgnoreCase(model.format())) {
            throw new ModelLoadException(
                    model.file() + " is in format " + model.format() + "; this server runs onnx");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException(
                    model.file()
                            + " ("
                            + model.role()
                            + ") is listed in the manifest but missing from "
                            + dir);
        }
        String actual = sha256(file);
        if (!actual.equalsIgnoreCase(model.sha256())) {
            throw new ModelLoadException(
                    "checksum mismatch for "
                            + model.file()
                            + ": the manifest says sha256 "
                            + model.sha256()
                            + ", the file has "
                            + actual
                            + " (a partial copy or a modified file; copy the run folder again)");
        }
    }

    static String sha256(Path file) throws ModelLoadException {
        try {
            return Digests.sha256(file);
        } catch (UncheckedIOException e) {
            throw new ModelLoadException(
                    "cannot read " + file + ": " + e.getCause().getMessage(), e.getCause());
        }
    }
}
