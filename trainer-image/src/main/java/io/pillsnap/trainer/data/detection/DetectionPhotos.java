package io.pillsnap.trainer.data.detection;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ImageDecoder.UnreadableImageException;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.SkipReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Decodes the photos a detector trains or is scored on, letterboxes each once to the input size and
 * keeps it in memory with its boxes. A photo without a box teaches nothing and is skipped as
 * unlabelled; an unreadable one is skipped as such.
 */
public final class DetectionPhotos {

    private DetectionPhotos() {}

    public static List<BoxedPhoto> load(
            List<LabelledImage> photos,
            Letterbox letterbox,
            int threads,
            SkipReport skipped,
            IntConsumer progress) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<BoxedPhoto>> futures = new ArrayList<>();
            for (LabelledImage photo : photos) {
                futures.add(
                        pool.submit(
                                () -> {
                                    BoxedPhoto boxed = readOrNull(photo, letterbox, skipped);
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
        } finally {
            pool.shutdownNow();
        }
    }

    private static BoxedPhoto readOrNull(
            LabelledImage photo, Letterbox letterbox, SkipReport skipped) {
        List<Box> boxes =
                photo.boxes().stream()
                        .filter(b -> b.width() > 0 && b.height() > 0)
                        .map(b -> Box.ofXywh(b.x(), b.y(), b.width(), b.height()))
                        .toList();
        if (boxes.isEmpty()) {
            skipped.skip(
                    SkipReport.Reason.BAD_LABEL,
                    photo.label() != null ? photo.label() : photo.image(),
                    "no pill box (annotations[].bbox) for " + photo.image().getFileName());
            return null;
        }
        try {
            RgbImage image = ImageDecoder.decode(photo.image(), ImageDecoder.DEFAULT_MAX_PIXELS);
            return new BoxedPhoto(photo.image(), letterbox.apply(image), boxes);
        } catch (UnreadableImageException e) {
            skipped.skip(SkipReport.Reason.UNREADABLE_IMAGE, photo.image(), e.getMessage());
            return null;
        }
    }
}
