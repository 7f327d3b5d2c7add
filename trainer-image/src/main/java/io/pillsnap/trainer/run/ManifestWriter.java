package io.pillsnap.trainer.run;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.engine.RunDirectory;
import io.pillsnap.trainer.runtime.TrainerVersion;
import java.time.Instant;
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
                        TrainerVersion.current(),
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
                                result.pretrained() == null ? null : result.pretrained().sha256()),
                        result.classifier() == null || result.classifier().calibration() == null
                                ? null
                                : result.classifier().calibration().manifest());
        dir.writeJson(dir.file(ArtifactManifest.FILE), manifest);
        return manifest;
    }
}
