package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.HeadDecoder;
import io.pillsnap.api.detection.Letterbox;
import io.pillsnap.api.detection.NonMaxSuppression;
import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubScanner;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.detector.data.DetectionAugmenter;
import io.pillsnap.trainer.detector.data.ImageTruth;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.report.DetectionMetrics;
import io.pillsnap.trainer.report.ImageBoxes;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small YOLO11 fits one batch of synthetic combination photos: the loss falls and the batch's
 * pills are found again (mAP50 of the batch), through the real loader, letterbox, loss, decoder,
 * NMS and metric.
 */
class DetectionOverfitTest {

    static final int SIZE = 128;
    static final int STEPS = 400;

    @TempDir Path folder;

    @Test
    void aSmallDetectorOverfitsOneBatch() throws IOException {
        Path data = TinyDatasets.generate(folder.resolve("data"), 6, 4, 1.0);
        List<LabelledImage> photos =
                AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2).combinations().subList(0, 4);
        Letterbox letterbox = new Letterbox(SIZE);
        float[] pixels = new float[photos.size() * 3 * SIZE * SIZE];
        List<ImageTruth> truths = new ArrayList<>();
        List<List<Box>> boxes = new ArrayList<>();
        for (int i = 0; i < photos.size(); i++) {
            LabelledImage photo = photos.get(i);
            Letterbox.Letterboxed boxed =
                    letterbox.apply(RgbImage.of(ImageIO.read(photo.image().toFile())));
            float[] one = DetectionAugmenter.plain(boxed.image());
            System.arraycopy(one, 0, pixels, i * one.length, one.length);
            List<Box> inInput = new ArrayList<>();
            for (LabelledImage.Box box : photo.boxes()) {
                inInput.add(boxed.toInput(Box.ofXywh(box.x(), box.y(), box.width(), box.height())));
            }
            boxes.add(inInput);
            truths.add(
                    new ImageTruth(
                            new int[inInput.size()],
                            inInput.stream()
                                    .map(b -> new double[] {b.x1(), b.y1(), b.x2(), b.y2()})
                                    .toArray(double[][]::new)));
        }

        try (DetectorModel model =
                new DetectorModel(Yolo11Config.N.scaled(0.5, 0.5), SIZE, Device.cpu(), 3)) {
            AdamW optimizer = new AdamW(model.trainable(), 0f);
            List<Float> losses = new ArrayList<>();
            int skipped = 0;
            for (int step = 0; step < STEPS; step++) {
                // the production step: loss, gradient clipping at 10, non-finite steps skipped
                DetectorModel.StepLoss loss =
                        model.trainStep(
                                pixels,
                                photos.size(),
                                truths,
                                optimizer,
                                learningRate(step),
                                learningRate(step),
                                null,
                                0f);
                if (loss.skipped()) {
                    skipped++;
                } else {
                    losses.add(loss.total());
                }
            }
            float[] head = model.head(pixels, photos.size());
            List<ImageBoxes> scored = new ArrayList<>();
            int perImage = (4 * 16 + 1) * HeadDecoder.anchors(SIZE);
            for (int i = 0; i < photos.size(); i++) {
                scored.add(
                        new ImageBoxes(
                                boxes.get(i),
                                NonMaxSuppression.EVALUATION.apply(
                                        HeadDecoder.decode(head, i * perImage, SIZE, 1, 0.001))));
            }
            DetectionMetrics metrics = DetectionEvaluator.evaluate(scored);

            double early = mean(losses.subList(30, 50));
            double late = mean(losses.subList(losses.size() - 20, losses.size()));
            System.out.printf(
                    "overfit: %d steps (%d skipped), loss %.3f at steps 30-50, %.3f in the last"
                            + " 20; mAP50 %.3f, mAP50-95 %.3f%n",
                    STEPS, skipped, early, late, metrics.mAP50(), metrics.mAP50to95());
            // the first steps assign few anchors (low class scores), so the loss first rises
            // while the assigner finds more of them; from then on it must fall
            assertThat(late).isLessThan(0.7 * early);
            assertThat(skipped).as("steps with non-finite gradients on clean data").isZero();
            assertThat(metrics.mAP50()).isGreaterThanOrEqualTo(0.9);
        }
    }

    /** Warm-up over 30 steps, then a cosine to zero, so that the batch-norm averages settle. */
    private static float learningRate(int step) {
        double warmup = Math.min(1.0, (step + 1) / 30.0);
        return (float) (0.004 * warmup * 0.5 * (1 + Math.cos(Math.PI * step / STEPS)));
    }

    private static double mean(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    }
}
