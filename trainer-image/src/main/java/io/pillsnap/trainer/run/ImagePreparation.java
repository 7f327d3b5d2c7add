package io.pillsnap.trainer.run;

import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.api.v1alpha1.spec.Task;
import io.pillsnap.trainer.classifier.ClassifierPictures;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.data.DatasetPreparation;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.detector.data.DetectionPhotos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's image store: where it is, and {@code pillsnap-trainer prepare}, which fills it ahead of
 * training with the classifier's pictures and the detector's photos.
 */
public final class ImagePreparation {

    private static final Logger log = LoggerFactory.getLogger(ImagePreparation.class);

    private ImagePreparation() {}

    /** What {@link #build} did: pictures counts the classifier's and the detector's. */
    public record Summary(
            Path store,
            int pictures,
            long alreadyStored,
            long stored,
            int damaged,
            int unreadable,
            double seconds) {}

    /**
     * The store folder of a run writing into {@code runFolder}: the stage's {@code
     * spec.dataset.imageStore}, else the trainer defaults' {@code imageStore}; relative folders sit
     * beside the stage folders ({@code <runs>/<stage>/<run>} -> {@code <runs>/<store>}). Null:
     * none.
     */
    public static Path storeFolder(TrainConfig config, Path runFolder) {
        String named = config.spec().dataset().imageStore();
        String setting = named != null && !named.isBlank() ? named : config.settings().imageStore();
        if (setting == null || setting.isBlank()) {
            return null;
        }
        Path folder = Path.of(setting);
        if (folder.isAbsolute()) {
            return folder;
        }
        Path stage = runFolder.toAbsolutePath().getParent();
        return (stage.getParent() == null ? stage : stage.getParent()).resolve(setting);
    }

    /**
     * Samples the stage as a run does and stores every training picture the store lacks, on the
     * settings' workers, logging progress; what is stored already is kept (a stopped build goes
     * on), a damaged entry is prepared again.
     */
    public static Summary build(
            TrainConfig config, DatasetPreparation.SyntheticSource synthetic, Path folder) {
        long started = System.nanoTime();
        int workers = config.settings().effectiveWorkers();
        StageSample sample =
                DatasetPreparation.prepare(
                        config.spec().dataset(), config.data(), workers, synthetic);
        List<Sample> pictures = ClassifierPictures.trainingSamples(config, sample);
        int side = ClassifierPictures.cacheSide(config);
        SkipReport skipped = new SkipReport();
        try (ImageStore store = ImageStore.open(folder, ImageStore.DEFAULT_MAP_BYTES)) {
            long before = store.size();
            log.info(
                    "image store {}: {} entries; preparing {} training pictures at a shorter side"
                            + " of {} on {} workers",
                    folder,
                    before,
                    pictures.size(),
                    side,
                    workers);
            ImageSource.load(
                    pictures,
                    ImageSource.shrinkingTo(side),
                    new ImageSource.Prepared(store, ClassifierPictures.preparation(side)),
                    0,
                    workers,
                    0,
                    skipped,
                    progress(pictures.size(), started));
            int detectorPhotos = 0;
            if (config.spec().tasks().contains(Task.DETECTION)) {
                DetectorSpec detector = config.spec().model().detector();
                List<LabelledImage> photos =
                        new ArrayList<>(
                                DetectionPhotos.forTraining(detector, sample, config.seed()));
                photos.addAll(sample.combinationVal());
                log.info(
                        "image store {}: preparing {} detector photos letterboxed to {} px",
                        folder,
                        photos.size(),
                        detector.imageSize());
                detectorPhotos =
                        DetectionPhotos.load(
                                        photos,
                                        DetectionPhotos.Use.SCORING,
                                        new Letterbox(detector.imageSize()),
                                        store,
                                        workers,
                                        skipped,
                                        progress(photos.size(), System.nanoTime()))
                                .size();
            }
            Summary summary =
                    new Summary(
                            folder,
                            pictures.size() + detectorPhotos,
                            before,
                            store.size(),
                            store.dropped(),
                            skipped.total(),
                            (System.nanoTime() - started) / 1e9);
            log.info(
                    "image store {}: {} pictures, {} entries before, {} stored now ({}"
                            + " damaged entries prepared again, {} photos skipped) in {} s",
                    folder,
                    summary.pictures(),
                    before,
                    summary.stored() - before,
                    summary.damaged(),
                    summary.unreadable(),
                    String.format(Locale.ROOT, "%.1f", summary.seconds()));
            return summary;
        }
    }

    /** Logs the count, rate and time left every 10 seconds and at the end. */
    private static IntConsumer progress(int total, long started) {
        AtomicLong lastLog = new AtomicLong(started);
        return done -> {
            long now = System.nanoTime();
            long last = lastLog.get();
            if ((now - last >= 10_000_000_000L && lastLog.compareAndSet(last, now))
                    || done == total) {
                double seconds = (now - started) / 1e9;
                double rate = done / Math.max(1e-9, seconds);
                log.info(
                        String.format(
                                Locale.ROOT,
                                "prepared %d/%d pictures (%.1f%%), %.0f/s, about %.0f s left",
                                done,
                                total,
                                100.0 * done / total,
                                rate,
                                (total - done) / Math.max(1e-9, rate)));
            }
        };
    }
}
