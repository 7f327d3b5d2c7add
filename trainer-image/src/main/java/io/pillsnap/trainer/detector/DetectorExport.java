package io.pillsnap.trainer.detector;

import ai.djl.Device;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.pillsnap.api.artifact.DetectorExportCheck;
import io.pillsnap.api.artifact.Digests;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.detection.HeadDecoder;
import io.pillsnap.api.detection.NonMaxSuppression;
import io.pillsnap.api.detection.ScoredBox;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.detector.data.BoxedPhoto;
import io.pillsnap.trainer.detector.data.DetectionAugmenter;
import io.pillsnap.trainer.detector.yolo.Yolo11Config;
import io.pillsnap.trainer.engine.Checkpoints;
import io.pillsnap.trainer.engine.RunContext;
import io.pillsnap.trainer.export.DetectorOnnxWriter;
import io.pillsnap.trainer.runtime.TrainerVersion;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code detector.onnx} and checks it against the trained model on validation photos: the
 * raw head within the export tolerance, and the same boxes after the shared decoder and NMS at the
 * serving confidence (every box matched both ways at IoU >= 0.99).
 */
public final class DetectorExport {

    public static final String FILE = "detector.onnx";

    /** The serving side's default confidence: the boxes a user would see. */
    public static final double CHECK_CONFIDENCE = 0.25;

    public static final double MIN_IOU = 0.99;

    private static final Logger log = LoggerFactory.getLogger(DetectorExport.class);

    private DetectorExport() {}

    public record Exported(DetectorExportCheck check, ModelFile model) {}

    static Exported write(
            RunContext run,
            DetectorModel model,
            Path best,
            List<BoxedPhoto> val,
            Yolo11Config architecture) {
        TrainerSettings.Export settings = run.settings().export();
        int size = model.imageSize();
        Path file = run.dir().file(FILE);
        byte[] onnx =
                DetectorOnnxWriter.write(
                        model.network(), size, settings.opset(), TrainerVersion.current());
        run.dir().writeBytes(file, onnx);
        List<BoxedPhoto> photos = val.subList(0, Math.min(settings.checkImages(), val.size()));
        DetectorExportCheck check;
        if (model.device().isGpu()) {
            // as for the classifier: the reference is the checkpoint on the CPU in full float32
            try (DetectorModel reference =
                    new DetectorModel(architecture, size, Device.cpu(), run.seed())) {
                Checkpoints.loadWeights(best, reference.parameters(), false, reference.manager());
                check = check(file, photos, reference::head, size, settings.maxAbsDiff());
            }
        } else {
            check = check(file, photos, model::head, size, settings.maxAbsDiff());
        }
        ModelFile described =
                new ModelFile(
                        ModelFile.DETECTOR,
                        FILE,
                        Digests.sha256(file),
                        "onnx",
                        settings.opset(),
                        DetectorOnnxWriter.INPUT,
                        DetectorOnnxWriter.OUTPUT,
                        List.of(-1L, 3L, (long) size, (long) size),
                        architecture.name());
        log.info(
                "exported {} ({} MB, sha256 {})",
                file,
                String.format(Locale.ROOT, "%.1f", onnx.length / 1e6),
                described.sha256());
        return new Exported(check, described);
    }

    /** Runs both models on the photos and compares raw heads and boxes. */
    public static DetectorExportCheck check(
            Path onnx,
            List<BoxedPhoto> photos,
            io.pillsnap.trainer.detector.DetectorEvaluation.Head trained,
            int size,
            double tolerance) {
        int perImage = (4 * HeadDecoder.BINS + 1) * HeadDecoder.anchors(size);
        NonMaxSuppression nms =
                new NonMaxSuppression(
                        CHECK_CONFIDENCE,
                        NonMaxSuppression.EVALUATION.iou(),
                        NonMaxSuppression.EVALUATION.maxDetections());
        double maxAbsDiff = 0;
        double largest = 0;
        int boxes = 0;
        int exportedBoxes = 0;
        int matched = 0;
        double worstIou = 1;
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = environment.createSession(onnx.toString(), options)) {
            for (BoxedPhoto photo : photos) {
                float[] input = DetectionAugmenter.plain(photo.letterboxed().image());
                float[] expected = trained.apply(input, 1);
                float[] actual = run(session, environment, input, size);
                for (int i = 0; i < perImage; i++) {
                    largest = Math.max(largest, Math.abs(expected[i]));
                    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(expected[i] - actual[i]));
                }
                List<ScoredBox> a =
                        nms.apply(HeadDecoder.decode(expected, 0, size, 1, CHECK_CONFIDENCE));
                List<ScoredBox> b =
                        nms.apply(HeadDecoder.decode(actual, 0, size, 1, CHECK_CONFIDENCE));
                boxes += a.size();
                exportedBoxes += b.size();
                List<ScoredBox> unmatched = new ArrayList<>(b);
                for (ScoredBox box : a) {
                    ScoredBox match = null;
                    double bestIou = 0;
                    for (ScoredBox candidate : unmatched) {
                        double iou = box.box().iou(candidate.box());
                        if (iou > bestIou) {
                            bestIou = iou;
                            match = candidate;
                        }
                    }
                    if (match != null && bestIou >= MIN_IOU) {
                        matched++;
                        unmatched.remove(match);
                        worstIou = Math.min(worstIou, bestIou);
                    }
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime cannot run the exported detector " + onnx + ": " + e.getMessage(),
                    e);
        }
        double allowed = tolerance * Math.max(1, largest);
        boolean passed =
                !photos.isEmpty()
                        && maxAbsDiff <= allowed
                        && matched == boxes
                        && matched == exportedBoxes;
        log.info(
                "detector export check on {} photos: max abs head difference {} (largest {},"
                        + " allowed {}); {} of {} boxes matched at IoU >= {} ({} exported),"
                        + " worst IoU {} ({})",
                photos.size(),
                String.format(Locale.ROOT, "%.3g", maxAbsDiff),
                String.format(Locale.ROOT, "%.3g", largest),
                String.format(Locale.ROOT, "%.3g", allowed),
                matched,
                boxes,
                MIN_IOU,
                exportedBoxes,
                String.format(Locale.ROOT, "%.6f", worstIou),
                passed ? "passed" : "FAILED");
        return new DetectorExportCheck(
                photos.size(),
                maxAbsDiff,
                largest,
                tolerance,
                CHECK_CONFIDENCE,
                MIN_IOU,
                boxes,
                exportedBoxes,
                matched,
                worstIou,
                passed);
    }

    private static float[] run(
            OrtSession session, OrtEnvironment environment, float[] input, int size)
            throws OrtException {
        try (OnnxTensor tensor =
                        OnnxTensor.createTensor(
                                environment,
                                FloatBuffer.wrap(input),
                                new long[] {1, 3, size, size});
                OrtSession.Result result = session.run(Map.of(DetectorOnnxWriter.INPUT, tensor))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().array();
        }
    }
}
