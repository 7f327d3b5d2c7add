package io.pillsnap.inference.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.api.artifact.ExportCheck;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.detection.Box;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.inference.model.LoadedModel;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.predict.ComboPrediction;
import io.pillsnap.inference.predict.ImageUpload;
import io.pillsnap.inference.predict.Mode;
import io.pillsnap.inference.predict.Prediction;
import io.pillsnap.inference.predict.RankedClass;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Our versioned API: {@code POST /v1/predict}, {@code POST /v1/predict/batch}, {@code GET
 * /v1/model}.
 */
final class V1Routes {

    static final String PREDICT = "/v1/predict";
    static final String PREDICT_BATCH = "/v1/predict/batch";
    static final String MODEL = "/v1/model";
    static final List<String> PROTECTED = List.of(PREDICT, PREDICT_BATCH, MODEL);

    private final ServerSettings settings;
    private final ModelRegistry models;
    private final HttpApi.Predictors predictors;
    private final ImageUploads uploads;

    V1Routes(
            ServerSettings settings,
            ModelRegistry models,
            HttpApi.Predictors predictors,
            ImageUploads uploads) {
        this.settings = settings;
        this.models = models;
        this.predictors = predictors;
        this.uploads = uploads;
    }

    void register(Javalin app) {
        app.post(PREDICT, this::predict);
        app.post(PREDICT_BATCH, this::predictBatch);
        app.get(MODEL, this::model);
    }

    private void predict(Context ctx) {
        long started = System.nanoTime();
        Mode mode = RequestParams.mode(ctx);
        int topK = RequestParams.topK(ctx, settings.defaultTopK());
        RequestParams.requireDetector(mode, models);
        ImageUpload upload = uploads.single(ctx, "image");
        if (mode == Mode.COMBO) {
            ComboPrediction combo = predictors.of(ctx).combo(List.of(upload), topK);
            ComboPrediction.PhotoResult photo = combo.photos().get(0);
            ctx.json(
                    new ComboResponse(
                            combo.manifest().version(),
                            mode.wireName(),
                            ImageInfo.of(photo),
                            combo.calibration().threshold(),
                            photo.pills().size(),
                            pills(photo),
                            ComboLatency.of(combo, started)));
            return;
        }
        Prediction prediction = predictors.of(ctx).classify(List.of(upload), topK);
        Prediction.ImageResult image = prediction.images().get(0);
        ctx.json(
                new PredictResponse(
                        prediction.manifest().version(),
                        mode.wireName(),
                        ImageInfo.of(image),
                        image.decision().wireName(),
                        prediction.calibration().threshold(),
                        items(image.top()),
                        new Latency(
                                round(prediction.preprocessMs()),
                                round(prediction.inferenceMs()),
                                round(millisSince(started)))));
    }

    private void predictBatch(Context ctx) {
        long started = System.nanoTime();
        Mode mode = RequestParams.mode(ctx);
        int topK = RequestParams.topK(ctx, settings.defaultTopK());
        RequestParams.requireDetector(mode, models);
        List<ImageUpload> images = uploads.many(ctx, "images", settings.maxBatchImages());
        if (mode == Mode.COMBO) {
            ComboPrediction combo = predictors.of(ctx).combo(images, topK);
            List<ComboBatchItem> results = new ArrayList<>();
            for (int i = 0; i < combo.photos().size(); i++) {
                ComboPrediction.PhotoResult photo = combo.photos().get(i);
                results.add(
                        new ComboBatchItem(
                                i,
                                photo.upload().filename(),
                                ImageInfo.of(photo),
                                photo.pills().size(),
                                pills(photo)));
            }
            ctx.json(
                    new ComboBatchResponse(
                            combo.manifest().version(),
                            mode.wireName(),
                            combo.calibration().threshold(),
                            results.size(),
                            results,
                            ComboLatency.of(combo, started)));
            return;
        }
        Prediction prediction = predictors.of(ctx).classify(images, topK);
        List<BatchItem> results = new ArrayList<>();
        for (int i = 0; i < prediction.images().size(); i++) {
            Prediction.ImageResult image = prediction.images().get(i);
            results.add(
                    new BatchItem(
                            i,
                            image.upload().filename(),
                            ImageInfo.of(image),
                            image.decision().wireName(),
                            items(image.top())));
        }
        ctx.json(
                new BatchResponse(
                        prediction.manifest().version(),
                        mode.wireName(),
                        prediction.calibration().threshold(),
                        results.size(),
                        results,
                        new Latency(
                                round(prediction.preprocessMs()),
                                round(prediction.inferenceMs()),
                                round(millisSince(started)))));
    }

    private void model(Context ctx) {
        LoadedModel model = models.require();
        int offset = RequestParams.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = RequestParams.intParam(ctx, "limit", 100, 1, 1000);
        ArtifactManifest manifest = model.manifest();
        List<DrugClass> all = manifest.classes().classes();
        List<DrugClass> page =
                all.subList(Math.min(offset, all.size()), Math.min(all.size(), offset + limit));
        ctx.json(
                new ModelResponse(
                        manifest.version(),
                        manifest.stageName(),
                        manifest.stage(),
                        manifest.runId(),
                        manifest.createdAt(),
                        manifest.trainerVersion(),
                        model.loadedAt().toString(),
                        model.detector().isPresent()
                                ? List.of(Mode.SINGLE.wireName(), Mode.COMBO.wireName())
                                : List.of(Mode.SINGLE.wireName()),
                        new ClassPage(all.size(), offset, limit, page),
                        manifest.preprocessing(),
                        manifest.metrics(),
                        manifest.exportCheck(),
                        manifest.calibration(),
                        manifest.lineage(),
                        manifest.models()));
    }

    private static List<PredictionItem> items(List<RankedClass> top) {
        return top.stream()
                .map(
                        r ->
                                new PredictionItem(
                                        r.drug().index(),
                                        r.drug().ediCode(),
                                        r.drug().kCode(),
                                        r.drug().name(),
                                        r.probability()))
                .toList();
    }

    private static List<PillItem> pills(ComboPrediction.PhotoResult photo) {
        return photo.pills().stream()
                .map(
                        pill ->
                                new PillItem(
                                        PixelBox.of(pill.box()),
                                        round(pill.confidence()),
                                        pill.decision().wireName(),
                                        items(pill.top())))
                .toList();
    }

    static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }

    static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    /** A drug the classifier proposes, with its calibrated probability. */
    record PredictionItem(
            int classIndex, String ediCode, String kCode, String name, double probability) {}

    /** The picture as decoded. */
    record ImageInfo(String format, int width, int height) {
        static ImageInfo of(Prediction.ImageResult image) {
            return new ImageInfo(image.format(), image.width(), image.height());
        }

        static ImageInfo of(ComboPrediction.PhotoResult photo) {
            return new ImageInfo(photo.format(), photo.width(), photo.height());
        }
    }

    /** A box in the photo's pixels, corners to a tenth of a pixel. */
    record PixelBox(double x1, double y1, double x2, double y2) {
        static PixelBox of(Box box) {
            return new PixelBox(tenth(box.x1()), tenth(box.y1()), tenth(box.x2()), tenth(box.y2()));
        }

        private static double tenth(double value) {
            return Math.round(value * 10) / 10.0;
        }
    }

    /**
     * A pill found in combination mode: its box, the detector's confidence, whether its first drug
     * is named ({@code identified}) or only guessed ({@code not_sure}), its likely drugs.
     */
    record PillItem(
            PixelBox box, double confidence, String decision, List<PredictionItem> predictions) {}

    /**
     * Milliseconds spent in combination mode: preprocess (decoding), detection (the detector and
     * its boxes), classification (crops and the classifier), total (the whole request).
     */
    record ComboLatency(double preprocess, double detection, double classification, double total) {
        static ComboLatency of(ComboPrediction combo, long started) {
            return new ComboLatency(
                    round(combo.preprocessMs()),
                    round(combo.detectionMs()),
                    round(combo.classificationMs()),
                    round(millisSince(started)));
        }
    }

    /**
     * @param answerThreshold the calibrated confidence from which a pill's drug is named
     */
    record ComboResponse(
            String modelVersion,
            String mode,
            ImageInfo image,
            double answerThreshold,
            int count,
            List<PillItem> pills,
            ComboLatency latencyMs) {}

    record ComboBatchItem(
            int index, String filename, ImageInfo image, int count, List<PillItem> pills) {}

    record ComboBatchResponse(
            String modelVersion,
            String mode,
            double answerThreshold,
            int count,
            List<ComboBatchItem> results,
            ComboLatency latencyMs) {}

    /**
     * Milliseconds spent: preprocess (decoding and tensor preparation), inference (ONNX Runtime),
     * total (the whole request inside the server, reading the upload included).
     */
    record Latency(double preprocess, double inference, double total) {}

    /**
     * @param decision {@code identified} when the first prediction's probability reaches {@code
     *     answerThreshold}, {@code not_sure} below it
     * @param answerThreshold the calibrated confidence from which the run names a drug: chosen on
     *     validation for the stage's answer precision; 0 for a run without calibration
     */
    record PredictResponse(
            String modelVersion,
            String mode,
            ImageInfo image,
            String decision,
            double answerThreshold,
            List<PredictionItem> predictions,
            Latency latencyMs) {}

    record BatchItem(
            int index,
            String filename,
            ImageInfo image,
            String decision,
            List<PredictionItem> predictions) {}

    record BatchResponse(
            String modelVersion,
            String mode,
            double answerThreshold,
            int count,
            List<BatchItem> results,
            Latency latencyMs) {}

    /** One page of the class list: {@code ?offset=&limit=} (at most 1000). */
    record ClassPage(int count, int offset, int limit, List<DrugClass> items) {}

    record ModelResponse(
            String version,
            String stageName,
            Integer stage,
            String runId,
            String createdAt,
            String trainerVersion,
            String loadedAt,
            List<String> modes,
            ClassPage classes,
            Preprocessing preprocessing,
            Map<String, Double> metrics,
            ExportCheck exportCheck,
            ArtifactManifest.Calibration calibration,
            ArtifactManifest.Lineage lineage,
            List<ModelFile> models) {}
}
