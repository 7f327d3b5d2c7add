package io.pillsnap.inference.predict;

import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ArtifactManifest.Calibration;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ImageDecoder.UnreadableImageException;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.metrics.ServingMetrics;
import io.pillsnap.inference.model.ClassScore;
import io.pillsnap.inference.model.Classifier;
import io.pillsnap.inference.model.Detector;
import io.pillsnap.inference.model.LoadedModel;
import io.pillsnap.inference.model.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Photo bytes to ranked drugs: decode (by content, pixel limit checked from the header), the
 * manifest's preprocessing, one ONNX Runtime call for all images of the request, top-k with
 * calibrated probabilities, and the decision to name the first or to answer "not sure".
 */
public final class Predictor {

    private static final TurboJpeg JPEG = TurboJpeg.load();
    private static final LibdeflatePng PNG = LibdeflatePng.load();

    private final ModelRegistry models;
    private final InferenceSlots slots;
    private final long maxPixels;
    private final ServingMetrics metrics;

    public Predictor(
            ModelRegistry models, InferenceSlots slots, long maxPixels, ServingMetrics metrics) {
        this.models = models;
        this.slots = slots;
        this.maxPixels = maxPixels;
        this.metrics = metrics;
    }

    /** What decodes JPEG photos (the system's libturbojpeg or OpenCV), for the start-up log. */
    public static String jpegDecoder() {
        return JPEG.describe();
    }

    /** What decodes PNG photos (inflated by the system's libdeflate, or OpenCV), for the log. */
    public static String pngDecoder() {
        return PNG.describe();
    }

    public Prediction classify(List<ImageUpload> uploads, int topK) {
        try (InferenceSlots.Slot slot = slots.acquire();
                LoadedModel.Lease lease = models.lease()) {
            ArtifactManifest manifest = lease.model().manifest();
            Calibration calibration = lease.model().calibration();
            Preprocessing preprocessing = manifest.preprocessing();
            int tensorSize = 3 * preprocessing.imageSize() * preprocessing.imageSize();
            float[] batch = new float[uploads.size() * tensorSize];
            List<Decoded> decoded = new ArrayList<>(uploads.size());
            long started = System.nanoTime();
            for (int i = 0; i < uploads.size(); i++) {
                long t0 = System.nanoTime();
                ImageUpload upload = uploads.get(i);
                ImageDecoder.Header header =
                        writeInput(upload, preprocessing, maxPixels, batch, i * tensorSize);
                decoded.add(
                        new Decoded(
                                upload,
                                header.format(),
                                header.width(),
                                header.height(),
                                millisSince(t0)));
            }
            double preprocessMs = millisSince(started);
            long inferenceStart = System.nanoTime();
            List<List<ClassScore>> scores =
                    lease.model().classifier().classify(batch, uploads.size(), Math.max(1, topK));
            double inferenceMs = millisSince(inferenceStart);
            metrics.imagesClassified(uploads.size(), preprocessMs, inferenceMs);
            List<Prediction.ImageResult> results = new ArrayList<>(uploads.size());
            for (int i = 0; i < decoded.size(); i++) {
                Decoded d = decoded.get(i);
                List<RankedClass> top =
                        scores.get(i).stream()
                                .map(
                                        s ->
                                                new RankedClass(
                                                        manifest.classes().get(s.classIndex()),
                                                        s.probability()))
                                .toList();
                Decision decision = Decision.of(calibration, top.get(0).probability());
                metrics.answered(Mode.SINGLE, decision);
                results.add(
                        new Prediction.ImageResult(
                                d.upload,
                                d.format,
                                d.width,
                                d.height,
                                d.preprocessMs,
                                top,
                                decision));
            }
            return new Prediction(manifest, calibration, results, preprocessMs, inferenceMs);
        }
    }

    /**
     * Combination mode: the pills of each photo through the shared {@link ComboPipeline} (the code
     * the trainer scored the pipeline with): the detector, boxes in the photo's pixels, padded
     * square crops, the classifier on all crops of a photo in one call, top-k per pill.
     *
     * @throws RequestRejectedException {@link ErrorCode#NO_DETECTOR} when the served run has no
     *     detector
     */
    public ComboPrediction combo(List<ImageUpload> uploads, int topK) {
        try (InferenceSlots.Slot slot = slots.acquire();
                LoadedModel.Lease lease = models.lease()) {
            LoadedModel model = lease.model();
            ArtifactManifest manifest = model.manifest();
            Calibration calibration = model.calibration();
            Detector detector = model.detector().orElseThrow(() -> noDetector(model.version()));
            Classifier classifier = model.classifier();
            ComboPipeline pipeline =
                    new ComboPipeline(
                            detector.imageSize(),
                            manifest.preprocessing(),
                            ComboPipeline.SERVING,
                            classifier.classCount(),
                            Math.max(1, topK));
            long[] detectionNanos = {0};
            ComboPipeline.Detector timedDetector =
                    (images, batch) -> {
                        long t0 = System.nanoTime();
                        try {
                            return detector.head(images, batch);
                        } finally {
                            detectionNanos[0] += System.nanoTime() - t0;
                        }
                    };
            double preprocessMs = 0;
            double pipelineMs = 0;
            List<ComboPrediction.PhotoResult> photos = new ArrayList<>(uploads.size());
            for (ImageUpload upload : uploads) {
                long t0 = System.nanoTime();
                ImageDecoder.Header header = header(upload);
                // whole: the pills are cut from the photo at its own resolution
                RgbImage photo = decode(upload, header, maxPixels);
                preprocessMs += millisSince(t0);
                long t1 = System.nanoTime();
                List<ComboPrediction.FoundPill> pills =
                        pipeline
                                .predict(photo, timedDetector, classifier::calibratedLogits)
                                .stream()
                                .map(pill -> found(pill, manifest, calibration))
                                .toList();
                pipelineMs += millisSince(t1);
                for (ComboPrediction.FoundPill pill : pills) {
                    metrics.answered(Mode.COMBO, pill.decision());
                }
                photos.add(
                        new ComboPrediction.PhotoResult(
                                upload, header.format(), photo.width(), photo.height(), pills));
            }
            double detectionMs = detectionNanos[0] / 1e6;
            // the pipeline's own work (letterbox, decoding boxes, crops) is counted with the
            // stage it serves: letterbox and boxes with detection, crops with classification
            double classificationMs = Math.max(0, pipelineMs - detectionMs);
            metrics.imagesClassified(uploads.size(), preprocessMs, detectionMs + classificationMs);
            return new ComboPrediction(
                    manifest, calibration, photos, preprocessMs, detectionMs, classificationMs);
        }
    }

    private static ComboPrediction.FoundPill found(
            ComboPipeline.Pill pill, ArtifactManifest manifest, Calibration calibration) {
        List<RankedClass> top = new ArrayList<>(pill.top().size());
        for (ComboPipeline.Ranked ranked : pill.top()) {
            top.add(
                    new RankedClass(
                            manifest.classes().get(ranked.classIndex()), ranked.probability()));
        }
        return new ComboPrediction.FoundPill(
                pill.box(),
                pill.confidence(),
                top,
                Decision.of(calibration, top.get(0).probability()));
    }

    /** The refusal of mode=combo by a model without a detector. */
    public static RequestRejectedException noDetector(String version) {
        return new RequestRejectedException(
                ErrorCode.NO_DETECTOR,
                "model "
                        + version
                        + " has no detector, so mode=combo (detect the pills, crop, classify"
                        + " each) is not available: detectors are trained from stage 3 on (spec.tasks:"
                        + " [classification, detection]). Use mode=single with a photo of one pill");
    }

    private record Decoded(
            ImageUpload upload, String format, int width, int height, double preprocessMs) {}

    private static ImageDecoder.Header header(ImageUpload upload) {
        if (upload.bytes().length == 0) {
            throw new RequestRejectedException(
                    ErrorCode.EMPTY_BODY, upload.label() + " is empty: send the photo's bytes");
        }
        try {
            return ImageDecoder.header(upload.bytes());
        } catch (UnreadableImageException e) {
            throw new RequestRejectedException(
                    ErrorCode.NOT_AN_IMAGE,
                    upload.label()
                            + " is not a PNG, JPEG or BMP image (judged by its bytes, not by its"
                            + " name or content type)");
        }
    }

    /**
     * The classifier's input of one photo, exactly as {@link #classify} computes it (the trainer's
     * evaluation must compute the same: {@code TrainServeParityTest}).
     */
    public static float[] input(byte[] photo, Preprocessing preprocessing, long maxPixels) {
        float[] out = new float[3 * preprocessing.imageSize() * preprocessing.imageSize()];
        writeInput(new ImageUpload("photo", null, photo), preprocessing, maxPixels, out, 0);
        return out;
    }

    private static ImageDecoder.Header writeInput(
            ImageUpload upload,
            Preprocessing preprocessing,
            long maxPixels,
            float[] out,
            int offset) {
        ImageDecoder.Header header = header(upload);
        checkPixels(upload, header, maxPixels);
        RgbImage decoded =
                decodeNatively(
                        upload,
                        header,
                        maxPixels,
                        ImageDecoder.reduction(header, preprocessing.decodeSide()));
        if (decoded != null) {
            preprocessing.toTensor(decoded, out, offset);
            return header;
        }
        try {
            preprocessing.toTensor(upload.bytes(), maxPixels, out, offset);
        } catch (UnreadableImageException e) {
            throw unreadable(upload, header, e);
        }
        return header;
    }

    private static RgbImage decode(ImageUpload upload, ImageDecoder.Header header, long maxPixels) {
        checkPixels(upload, header, maxPixels);
        RgbImage decoded = decodeNatively(upload, header, maxPixels, 1);
        if (decoded != null) {
            return decoded;
        }
        try {
            return ImageDecoder.decode(upload.bytes(), maxPixels);
        } catch (UnreadableImageException e) {
            throw unreadable(upload, header, e);
        }
    }

    /**
     * A JPEG by the system's libturbojpeg, a PNG inflated by its libdeflate, or null where OpenCV
     * decodes (a PNG's reduction is always 1).
     */
    private static RgbImage decodeNatively(
            ImageUpload upload, ImageDecoder.Header header, long maxPixels, int reduction) {
        return switch (header.format()) {
            case "jpeg" -> JPEG.decode(upload.bytes(), reduction, maxPixels);
            case "png" -> PNG.decode(upload.bytes(), maxPixels);
            default -> null;
        };
    }

    private static void checkPixels(
            ImageUpload upload, ImageDecoder.Header header, long maxPixels) {
        if (header.pixels() > maxPixels) {
            throw new RequestRejectedException(
                    ErrorCode.IMAGE_TOO_LARGE,
                    String.format(
                            Locale.ROOT,
                            "%s is %d x %d pixels by its header, over the limit of %d pixels:"
                                    + " send a smaller photo (about 1 MP is plenty for a pill)",
                            upload.label(),
                            header.width(),
                            header.height(),
                            maxPixels));
        }
    }

    private static RequestRejectedException unreadable(
            ImageUpload upload, ImageDecoder.Header header, UnreadableImageException e) {
        return new RequestRejectedException(
                ErrorCode.UNREADABLE_IMAGE,
                upload.label()
                        + " cannot be decoded as "
                        + header.format()
                        + " (truncated or corrupt?): "
                        + e.getMessage());
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
