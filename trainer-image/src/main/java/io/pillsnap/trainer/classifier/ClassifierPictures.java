package io.pillsnap.trainer.classifier;

import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.data.ComboCrops;
import io.pillsnap.trainer.data.DecodeProgress;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.engine.RunContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier's training pictures: which photos (and pill crops) a stage trains on, and how they
 * are prepared (shorter side {@code imageSize * cacheScale}) for the image store.
 */
public final class ClassifierPictures {

    private static final Logger log = LoggerFactory.getLogger(ClassifierPictures.class);

    /** Single-pill photos per crop of a combination photo's pill in a two-stage stage. */
    public static final int SINGLES_PER_CROP = 3;

    private ClassifierPictures() {}

    /** The training pictures, read through the run's image store when it has one. */
    static ImageSource load(RunContext run, StageSample sample, long memoryBudget) {
        TrainConfig config = run.config();
        int cacheSide = cacheSide(config);
        List<Sample> samples = trainingSamples(config, sample);
        ImageStore store = run.images().get();
        ImageSource train =
                ImageSource.load(
                        samples,
                        ImageSource.shrinkingTo(cacheSide),
                        store == null
                                ? null
                                : new ImageSource.Prepared(store, preparation(cacheSide)),
                        (long) cacheSide * cacheSide * 4,
                        run.settings().effectiveWorkers(),
                        memoryBudget,
                        sample.skipped(),
                        DecodeProgress.logged("training", samples.size()));
        if (store != null) {
            log.info(
                    "image store {}: {} prepared pictures ({} damaged ones prepared again)",
                    store.folder(),
                    store.size(),
                    store.dropped());
        }
        return train;
    }

    /** The shorter side training pictures are kept at. */
    public static int cacheSide(TrainConfig config) {
        return (int) Math.ceil(config.imageSize() * config.settings().cacheScale());
    }

    /** The name of the preparation, part of every store key. */
    public static String preparation(int cacheSide) {
        return "shorter side " + cacheSide + ", opencv";
    }

    /**
     * The classifier's training photos: the sampled single-pill photos and, when the stage trains
     * the detector too (the two-stage pipeline), crops of the combination photos' pills (one for
     * every {@link #SINGLES_PER_CROP} single photos, as the reference mixed them), so that it
     * learns what the detector will hand it.
     */
    public static List<Sample> trainingSamples(TrainConfig config, StageSample sample) {
        if (!config.spec().tasks().contains(Task.DETECTION)) {
            return sample.train();
        }
        List<Sample> crops =
                ComboCrops.of(sample, sample.train().size() / SINGLES_PER_CROP, config.seed());
        if (crops.isEmpty()) {
            return sample.train();
        }
        List<Sample> all = new ArrayList<>(sample.train());
        all.addAll(crops);
        log.info(
                "classifier: {} pill crops of combination photos added to {} single-pill photos",
                crops.size(),
                sample.train().size());
        return List.copyOf(all);
    }
}
