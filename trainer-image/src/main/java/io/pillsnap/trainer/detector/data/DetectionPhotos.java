package io.pillsnap.trainer.detector.data;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ImageDecoder.UnreadableImageException;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.data.DataException;
import io.pillsnap.trainer.data.DecodeProgress;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.LoaderPool;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import io.pillsnap.trainer.data.StageSample;
import io.pillsnap.trainer.data.TestSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the photos a detector trains or is scored on, letterboxes each once to the input size and
 * keeps it in memory with its boxes; with an image store, letterboxed pictures are read from it
 * (the transform is computed again from the photo's header) and the ones decoded are stored. An
 * unreadable photo is skipped as such.
 */
public final class DetectionPhotos {

    private static final Logger log = LoggerFactory.getLogger(DetectionPhotos.class);

    /** What the photos are for, which decides what becomes of a photo without a labelled pill. */
    public enum Use {
        /** Training: a photo without a box teaches nothing and is skipped as unlabelled. */
        TRAINING,
        /**
         * Scoring (mAP, export checks): a photo without a box is kept as a negative, so that boxes
         * found on it count as false positives, as the COCO protocol counts them.
         */
        SCORING
    }

    private DetectionPhotos() {}

    public static List<BoxedPhoto> load(
            List<LabelledImage> photos,
            Use use,
            Letterbox letterbox,
            int threads,
            SkipReport skipped,
            IntConsumer progress) {
        return load(photos, use, letterbox, null, threads, skipped, progress);
    }

    /** As above, through {@code store} (null: none). */
    public static List<BoxedPhoto> load(
            List<LabelledImage> photos,
            Use use,
            Letterbox letterbox,
            ImageStore store,
            int threads,
            SkipReport skipped,
            IntConsumer progress) {
        ExecutorService pool = LoaderPool.of(threads);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<BoxedPhoto>> futures = new ArrayList<>();
            for (LabelledImage photo : photos) {
                futures.add(
                        pool.submit(
                                () -> {
                                    BoxedPhoto boxed =
                                            readOrNull(photo, use, letterbox, store, skipped);
                                    progress.accept(done.incrementAndGet());
                                    return boxed;
                                }));
            }
            List<BoxedPhoto> loaded = new ArrayList<>();
            for (Future<BoxedPhoto> future : futures) {
                BoxedPhoto boxed = future.get();
                if (boxed != null) {
                    loaded.add(boxed);
                }
            }
            return List.copyOf(loaded);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding photos", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("decoding photos failed", e.getCause());
        }
    }

    /** The preparation of a detector's pictures, part of their store keys. */
    public static String preparation(Letterbox letterbox) {
        return "letterbox " + letterbox.size() + ", opencv";
    }

    private static BoxedPhoto readOrNull(
            LabelledImage photo,
            Use use,
            Letterbox letterbox,
            ImageStore store,
            SkipReport skipped) {
        List<Box> boxes =
                photo.boxes().stream()
                        .filter(b -> b.width() > 0 && b.height() > 0)
                        .map(b -> Box.ofXywh(b.x(), b.y(), b.width(), b.height()))
                        .toList();
        if (boxes.isEmpty() && use == Use.TRAINING) {
            skipped.skip(
                    SkipReport.Reason.BAD_LABEL,
                    photo.label() != null ? photo.label() : photo.image(),
                    "no pill box (annotations[].bbox) for " + photo.image().getFileName());
            return null;
        }
        try {
            byte[] key =
                    store == null
                            ? null
                            : ImageStore.key(new Sample(photo.image(), 0), preparation(letterbox));
            RgbImage stored = store == null ? null : store.get(key);
            if (stored != null) {
                ImageDecoder.Header header = ImageDecoder.header(photo.image());
                return new BoxedPhoto(
                        photo.image(),
                        letterbox.of(stored, header.width(), header.height()),
                        boxes);
            }
            RgbImage image = ImageDecoder.decode(photo.image(), ImageDecoder.DEFAULT_MAX_PIXELS);
            Letterbox.Letterboxed boxed = letterbox.apply(image);
            if (store != null) {
                store.put(key, boxed.image());
            }
            return new BoxedPhoto(photo.image(), boxed, boxes);
        } catch (UnreadableImageException e) {
            skipped.skip(SkipReport.Reason.UNREADABLE_IMAGE, photo.image(), e.getMessage());
            return null;
        }
    }

    /**
     * The detector's training photos: the combination photos and, by {@code singlePhotoFraction},
     * single-pill photos with their box (the same draw in every run).
     */
    public static List<LabelledImage> forTraining(
            DetectorSpec spec, StageSample sample, long seed) {
        List<LabelledImage> photos = new ArrayList<>(sample.combinationTrain());
        photos.addAll(singlePhotos(spec, sample, seed));
        return photos;
    }

    private static List<LabelledImage> singlePhotos(
            DetectorSpec spec, StageSample sample, long seed) {
        int count = (int) Math.round(spec.singlePhotoFraction() * sample.train().size());
        if (count == 0) {
            return List.of();
        }
        List<Sample> shuffled = new ArrayList<>(sample.train());
        Collections.shuffle(shuffled, new Random(seed));
        List<LabelledImage> photos = new ArrayList<>();
        for (Sample single : shuffled.subList(0, count)) {
            List<LabelledImage.Box> boxes = sample.singleBoxes().get(single.image());
            if (boxes != null) {
                photos.add(new LabelledImage(single.image(), null, null, null, false, boxes));
            }
        }
        photos.sort(Comparator.comparing(LabelledImage::image));
        log.info(
                "detector: {} single-pill photos with their box added to {} combination photos",
                photos.size(),
                sample.combinationTrain().size());
        return photos;
    }

    /** A detector's training and validation photos, letterboxed. */
    public record TrainAndVal(List<BoxedPhoto> train, List<BoxedPhoto> val) {}

    /**
     * The training and validation photos of a run, letterboxed (through the image store when the
     * run has one); refused when there is nothing to learn.
     */
    public static TrainAndVal trainAndVal(
            TrainConfig config, StageSample sample, Letterbox letterbox, ImageStore store) {
        int threads = config.settings().effectiveWorkers();
        SkipReport skipped = new SkipReport();
        List<LabelledImage> trainPhotos =
                forTraining(
                        config.spec().model().detector(), sample, config.spec().dataset().seed());
        List<BoxedPhoto> train =
                load(
                        trainPhotos,
                        Use.TRAINING,
                        letterbox,
                        store,
                        threads,
                        skipped,
                        DecodeProgress.logged("detector training", trainPhotos.size()));
        List<LabelledImage> valPhotos = sample.combinationVal();
        List<BoxedPhoto> val =
                load(
                        valPhotos,
                        Use.SCORING,
                        letterbox,
                        store,
                        threads,
                        skipped,
                        DecodeProgress.logged("detector validation", valPhotos.size()));
        long negatives = val.stream().filter(photo -> photo.truth().isEmpty()).count();
        if (train.isEmpty() || val.size() == negatives) {
            throw new DataException(
                    ("detection needs combination photos with boxes to train (%d) and validate (%d)"
                                    + " on, found under %s in {train,val}/labels/combination/...;"
                                    + " skipped: %s. Add combination photos (synthetic:"
                                    + " dataset.combinationFraction) or remove detection from"
                                    + " spec.tasks")
                            .formatted(
                                    train.size(), val.size() - negatives, config.data(), skipped));
        }
        if (skipped.total() > 0) {
            log.warn("detector photos skipped: {}", skipped);
        }
        if (negatives > 0) {
            log.info(
                    "detector validation: {} of {} photos hold no labelled pill and are kept as"
                            + " negatives (boxes found on them count as false positives)",
                    negatives,
                    val.size());
        }
        return new TrainAndVal(train, val);
    }

    /** The held-out combination photos of the test set, letterboxed; empty when there are none. */
    public static List<BoxedPhoto> test(TrainConfig config, Letterbox letterbox) {
        int threads = config.settings().effectiveWorkers();
        List<LabelledImage> photos =
                TestSet.findCombinations(config.spec().dataset(), config.data(), threads);
        if (photos.isEmpty()) {
            return List.of();
        }
        return load(
                photos,
                Use.SCORING,
                letterbox,
                threads,
                new SkipReport(),
                DecodeProgress.logged("detector test", photos.size()));
    }
}
