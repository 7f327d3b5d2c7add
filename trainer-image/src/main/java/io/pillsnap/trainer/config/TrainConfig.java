package io.pillsnap.trainer.config;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.text.Texts;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.spec.ClassifierFlavour;
import io.pillsnap.api.v1alpha1.spec.ClassifierSpec;
import io.pillsnap.api.v1alpha1.spec.DatasetFormat;
import io.pillsnap.api.v1alpha1.spec.ModelSpec;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.spec.TrainingSpec;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything one training run needs, validated once at start: the stage (the same YAML a user
 * applies to the cluster, with command-line overrides applied), where data and output live,
 * checkpoints to resume or start from, and the trainer's own settings.
 *
 * @param progressPort port of /progress and /metrics; -1 serves nothing
 * @param maxBatches stop each epoch after this many batches (smoke runs); null for all
 */
@RecordBuilder
public record TrainConfig(
        PillsnapStage stage,
        String runId,
        Path data,
        Path output,
        Path resumeFrom,
        Path initFrom,
        int progressPort,
        Integer maxBatches,
        String device,
        TrainerSettings settings) {

    /** Command-line values that replace the stage's, for smoke runs and experiments. */
    public record Overrides(
            Integer epochs,
            String batchSize,
            Integer imageSize,
            Double widthMultiplier,
            Double depthMultiplier,
            Double learningRate,
            String pretrained,
            ClassifierFlavour flavour) {

        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null, null, null);
        }
    }

    public PillsnapStageSpec spec() {
        return stage.getSpec();
    }

    public String stageName() {
        return stage.getMetadata().getName();
    }

    public String namespace() {
        return Objects.requireNonNullElse(stage.getMetadata().getNamespace(), "local");
    }

    public int imageSize() {
        return spec().model().classifier().imageSize();
    }

    public long seed() {
        return spec().dataset().seed();
    }

    /** Reads and validates a PillsnapStage YAML file and applies the overrides. */
    public static PillsnapStage loadStage(Path file, Overrides overrides) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("stage file " + file + " does not exist");
        }
        PillsnapStage stage;
        try {
            stage = Serialization.unmarshal(Files.readString(file), PillsnapStage.class);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(
                    "stage file " + file + " is not a PillsnapStage: " + Texts.rootMessage(e), e);
        }
        if (stage == null || stage.getSpec() == null || stage.getMetadata() == null) {
            throw new ConfigException("stage file " + file + " has no metadata or spec");
        }
        stage.setSpec(validate(withOverrides(stage.getSpec(), overrides), file));
        return stage;
    }

    static PillsnapStageSpec withOverrides(PillsnapStageSpec spec, Overrides o) {
        TrainingSpec t = spec.training();
        TrainingSpec training =
                new TrainingSpec(
                        o.epochs() != null ? o.epochs() : t.epochs(),
                        o.batchSize() != null ? o.batchSize() : t.batchSize(),
                        t.optimizer(),
                        o.learningRate() != null ? o.learningRate() : t.learningRate(),
                        t.weightDecay(),
                        t.schedule(),
                        t.warmupEpochs(),
                        t.labelSmoothing(),
                        t.gradientClipNorm(),
                        t.emaDecay(),
                        t.earlyStoppingPatience(),
                        t.interleaveRatio(),
                        t.maxRetries(),
                        t.activeDeadlineSeconds(),
                        t.deterministic());
        ClassifierSpec c = spec.model().classifier();
        ClassifierSpec classifier =
                new ClassifierSpec(
                        c.arch(),
                        o.imageSize() != null ? o.imageSize() : c.imageSize(),
                        o.widthMultiplier() != null ? o.widthMultiplier() : c.widthMultiplier(),
                        o.depthMultiplier() != null ? o.depthMultiplier() : c.depthMultiplier(),
                        c.dropout(),
                        c.dropPathRate(),
                        o.flavour() != null ? o.flavour() : c.flavour(),
                        o.pretrained() != null ? o.pretrained() : c.pretrained(),
                        o.pretrained() != null ? null : c.pretrainedSha256());
        return new PillsnapStageSpec(
                spec.stage(),
                spec.after(),
                spec.initFrom(),
                spec.dataset(),
                spec.tasks(),
                new ModelSpec(classifier, spec.model().detector()),
                training,
                spec.resources(),
                spec.artifacts(),
                spec.successCriteria(),
                spec.promotion(),
                spec.serving(),
                spec.rerunNonce());
    }

    /** The checks the API server's schema makes, for runs that never met an API server. */
    static PillsnapStageSpec validate(PillsnapStageSpec spec, Path file) {
        String where = "stage file " + file + ": ";
        require(
                spec.stage() != null && spec.stage() >= 1 && spec.stage() <= 4,
                where + "spec.stage must be 1 to 4, is " + spec.stage());
        require(
                spec.dataset() != null && spec.dataset().format() != null,
                where + "spec.dataset.format is required: aihub, imagefolder or synthetic");
        require(
                spec.dataset().valFraction() > 0 && spec.dataset().valFraction() <= 0.5,
                where + "spec.dataset.valFraction must be in (0, 0.5]");
        require(
                spec.dataset().classes() == null || spec.dataset().classes() >= 2,
                where + "spec.dataset.classes must be at least 2");
        require(
                spec.dataset().format() != DatasetFormat.SYNTHETIC
                        || spec.dataset().classes() != null,
                where + "a synthetic dataset needs spec.dataset.classes");
        require(
                !spec.successCriteria().isEmpty(),
                where + "spec.successCriteria needs at least one criterion");
        for (SuccessCriterion c : spec.successCriteria()) {
            require(
                    c.metric() != null && c.threshold() != null,
                    where + "every success criterion needs a metric and a threshold");
            require(
                    !c.metric().isFraction() || (c.threshold() >= 0 && c.threshold() <= 1),
                    where
                            + "the threshold of "
                            + c.metric().key()
                            + " must be within [0, 1], is "
                            + c.threshold());
        }
        TrainingSpec t = spec.training();
        require(t.epochs() >= 1, where + "spec.training.epochs must be at least 1");
        require(
                t.batchSize().matches("auto|[1-9][0-9]{0,4}"),
                where
                        + "spec.training.batchSize must be auto or a positive number, is "
                        + t.batchSize());
        require(t.learningRate() > 0, where + "spec.training.learningRate must be positive");
        int size = spec.model().classifier().imageSize();
        require(
                size >= 32 && size <= 1024,
                where + "spec.model.classifier.imageSize must be 32 to 1024, is " + size);
        return spec;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ConfigException(message);
        }
    }
}
