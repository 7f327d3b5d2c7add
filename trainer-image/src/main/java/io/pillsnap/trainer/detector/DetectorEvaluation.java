package io.pillsnap.trainer.detector;

import io.pillsnap.api.detection.HeadDecoder;
import io.pillsnap.api.detection.NonMaxSuppression;
import io.pillsnap.api.detection.ScoredBox;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.detector.data.DetectionAugmenter;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.ImageBoxes;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a detector on letterboxed photos: raw head -> shared decoder -> class-agnostic NMS at the
 * evaluation thresholds -> boxes back in the photo's pixels -> COCO-style metrics against the
 * labelled boxes.
 */
public final class DetectorEvaluation {

    private DetectorEvaluation() {}

    /** A detector's raw head for a batch of CHW inputs in [0, 1]. */
    @FunctionalInterface
    public interface Head {
        float[] apply(float[] images, int batch);
    }

    /**
     * @param photos the photos with their boxes, in this order in {@code perPhoto}
     * @param perPhoto each photo's true and detected boxes, in the photo's pixels
     */
    public record Scored(DetectionMetrics metrics, List<ImageBoxes> perPhoto, double seconds) {}

    public static Scored evaluate(Head head, List<BoxedPhoto> photos, int size, int batchSize) {
        long started = System.nanoTime();
        List<ImageBoxes> perPhoto = new ArrayList<>();
        int perImage = (4 * HeadDecoder.BINS + 1) * HeadDecoder.anchors(size);
        for (int first = 0; first < photos.size(); first += batchSize) {
            int batch = Math.min(batchSize, photos.size() - first);
            float[] images = new float[batch * 3 * size * size];
            for (int i = 0; i < batch; i++) {
                float[] one = DetectionAugmenter.plain(photos.get(first + i).letterboxed().image());
                System.arraycopy(one, 0, images, i * one.length, one.length);
            }
            float[] raw = head.apply(images, batch);
            for (int i = 0; i < batch; i++) {
                BoxedPhoto photo = photos.get(first + i);
                List<ScoredBox> found =
                        NonMaxSuppression.EVALUATION.apply(
                                HeadDecoder.decode(
                                        raw,
                                        i * perImage,
                                        size,
                                        1,
                                        NonMaxSuppression.EVALUATION.confidence()));
                perPhoto.add(
                        new ImageBoxes(
                                photo.truth(),
                                found.stream()
                                        .map(
                                                b ->
                                                        new ScoredBox(
                                                                photo.letterboxed()
                                                                        .toPhoto(b.box()),
                                                                b.score()))
                                        .toList()));
            }
        }
        return new Scored(
                DetectionEvaluator.evaluate(perPhoto),
                perPhoto,
                (System.nanoTime() - started) / 1e9);
    }
}
