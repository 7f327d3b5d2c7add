package io.pillsnap.trainer.classifier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.api.v1alpha1.spec.ClassifierSpec;
import io.pillsnap.trainer.config.ConfigException;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.weights.PretrainedImport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The classifier's first weights: another stage's run ({@code --init-from}) or published ones. */
final class ClassifierWarmStart {

    private static final Logger log = LoggerFactory.getLogger(ClassifierWarmStart.class);

    private ClassifierWarmStart() {}

    /** Warm start from another stage's run or from published weights; null when neither. */
    static PretrainedImport.Imported apply(TrainConfig config, ClassifierModel model) {
        ClassifierSpec classifier = config.spec().model().classifier();
        if (config.initFrom() != null) {
            Path folder =
                    checkpointIn(config.initFrom(), Checkpoints.BEST)
                            .or(() -> checkpointIn(config.initFrom(), Checkpoints.LAST))
                            .orElseThrow(
                                    () ->
                                            new ConfigException(
                                                    "--init-from "
                                                            + config.initFrom()
                                                            + " holds no checkpoint (expected checkpoints/best/state.json under it)"));
            requireSameFlavour(config.initFrom(), model.network().config().flavour());
            int loaded = Checkpoints.loadWeights(folder, model.parameters(), true, model.manager());
            log.info("initialised {} tensors from {}", loaded, folder);
            return null;
        }
        if (classifier.pretrained() == null) {
            return null;
        }
        if (config.resumeFrom() != null && Checkpoints.find(config.resumeFrom()).isPresent()) {
            log.info("pretrained weights skipped: the run resumes from its own checkpoint");
            return null;
        }
        return PretrainedImport.apply(
                model.network(),
                classifier.flavour(),
                config.data().resolve(classifier.pretrained()),
                classifier.pretrainedSha256());
    }

    /** Weights computed with one flavour's numbers compute something else with another's. */
    private static void requireSameFlavour(Path initFrom, ModelFlavour flavour) {
        Path manifest = initFrom.resolve(ArtifactManifest.FILE);
        if (!Files.isRegularFile(manifest)) {
            return;
        }
        ModelFlavour previous;
        try {
            previous =
                    JsonMapper.builder()
                            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                            .build()
                            .readValue(manifest.toFile(), ArtifactManifest.class)
                            .flavour();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + manifest, e);
        }
        String before = previous == null ? ModelFlavour.timm().name() : previous.name();
        if (!before.equals(flavour.name())) {
            throw new ConfigException(
                    "--init-from %s was trained with flavour %s, this stage's"
                                    .formatted(initFrom, before)
                            + " spec.model.classifier.flavour is %s: set the same flavour as the"
                                    .formatted(flavour.name())
                            + " stage it starts from");
        }
    }

    private static Optional<Path> checkpointIn(Path base, String name) {
        return Checkpoints.find(base)
                .or(() -> Checkpoints.find(base.resolve("checkpoints").resolve(name)));
    }
}
