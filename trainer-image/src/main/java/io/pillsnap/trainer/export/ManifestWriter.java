package io.pillsnap.trainer.export;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.run.RunOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Writes manifest.json, the model card the inference server serves a run from. */
public final class ManifestWriter {

    private ManifestWriter() {}

    public static ArtifactManifest write(
            RunDirectory dir,
            TrainConfig config,
            RunOutcome result,
            String classMapSha256,
            List<ModelFile> models) {
        Map<String, Double> metrics = result.metrics();
        ModelFlavour flavour =
                EfficientNetV2Config.of(config.spec().model().classifier()).flavour();
        ArtifactManifest manifest =
                new ArtifactManifest(
                        ArtifactManifest.SCHEMA,
                        config.namespace(),
                        config.stageName(),
                        config.spec().stage(),
                        config.runId(),
                        Instant.now().toString(),
                        version(),
                        flavour.preprocessing(config.imageSize()),
                        flavour,
                        result.sample().classes(),
                        models,
                        metrics,
                        result.testMetrics(),
                        result.exportCheck(),
                        result.detector() == null ? null : result.detector().exportCheck(),
                        new ArtifactManifest.Lineage(
                                result.sample().manifestSha256(),
                                classMapSha256,
                                result.sample().train().size(),
                                result.sample().val().size(),
                                result.test() == null ? null : result.test().images(),
                                result.skipped().total(),
                                config.initFrom() == null ? null : config.initFrom().toString(),
                                result.pretrained() == null
                                        ? null
                                        : result.pretrained().file().toString(),
                                result.pretrained() == null ? null : result.pretrained().sha256()));
        dir.writeJson(dir.file(ArtifactManifest.FILE), manifest);
        return manifest;
    }

    public static String version() {
        String version = ManifestWriter.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    public static String sha256(Path file) {
        try (InputStream in =
                new DigestInputStream(
                        Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
