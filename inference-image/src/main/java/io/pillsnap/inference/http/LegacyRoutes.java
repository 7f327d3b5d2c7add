package io.pillsnap.inference.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.inference.ErrorCode;
import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.inference.metrics.ServingMetrics;
import io.pillsnap.inference.model.LoadedModel;
import io.pillsnap.inference.model.ModelLoadException;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.predict.ComboPrediction;
import io.pillsnap.inference.predict.ImageUpload;
import io.pillsnap.inference.predict.Mode;
import io.pillsnap.inference.predict.Prediction;
import io.pillsnap.inference.predict.RankedClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The original system's API (requirements 7.4) with its exact field names, so its clients work
 * unchanged: {@code /health}, {@code /version}, {@code /predict}, {@code /batch}, {@code /reload}.
 */
final class LegacyRoutes {

    static final String HEALTH = "/health";
    static final String VERSION = "/version";
    static final String PREDICT = "/predict";
    static final String BATCH = "/batch";
    static final String RELOAD = "/reload";
    static final List<String> PROTECTED = List.of(VERSION, PREDICT, BATCH, RELOAD);

    private static final String ENGINE = "onnx";
    private static final int TOP_K = 1;

    private final ServerSettings settings;
    private final ModelRegistry models;
    private final HttpApi.Predictors predictors;
    private final ImageUploads uploads;
    private final ServingMetrics metrics;
    private final ObjectMapper json;
    private final long startedNanos = System.nanoTime();

    LegacyRoutes(
            ServerSettings settings,
            ModelRegistry models,
            HttpApi.Predictors predictors,
            ImageUploads uploads,
            ServingMetrics metrics,
            ObjectMapper json) {
        this.settings = settings;
        this.models = models;
        this.predictors = predictors;
        this.uploads = uploads;
        this.metrics = metrics;
        this.json = json;
    }

    void register(Javalin app) {
        app.get(HEALTH, this::health);
        app.get(VERSION, this::version);
        app.post(PREDICT, this::predict);
        app.post(BATCH, this::batch);
        app.post(RELOAD, this::reload);
    }

    private void health(Context ctx) {
        boolean loaded = models.current().isPresent();
        boolean detects = models.current().flatMap(LoadedModel::detector).isPresent();
        ctx.json(
                new HealthResp(
                        "ok",
                        "cpu",
                        Math.round((System.nanoTime() - startedNanos) / 1e8) / 10.0,
                        detects ? ENGINE : null,
                        loaded ? ENGINE : null,
                        new ModelsLoaded(detects, loaded)));
    }

    private void version(Context ctx) {
        LoadedModel model = models.current().orElse(null);
        ctx.json(
                new VersionResp(
                        "pillsnap-ml",
                        settings.gitSha(),
                        model == null ? null : modelPath(model, ModelFile.DETECTOR),
                        model == null ? null : modelPath(model, ModelFile.CLASSIFIER),
                        model != null,
                        model == null ? 0 : model.manifest().classes().size(),
                        model == null ? null : model.manifest().createdAt()));
    }

    private void predict(Context ctx) {
        long started = System.nanoTime();
        Mode mode = RequestParams.mode(ctx);
        double threshold = RequestParams.confThreshold(ctx);
        RequestParams.requireDetector(mode, models);
        ImageUpload upload = uploads.single(ctx, "image");
        if (mode == Mode.COMBO) {
            ComboPrediction combo = predictors.of(ctx).combo(List.of(upload), TOP_K);
            List<DetectionResult> detections = detections(combo.photos().get(0), threshold);
            ctx.json(
                    new ComboResp(
                            detections,
                            detections.size(),
                            ENGINE,
                            ENGINE,
                            ComboTimeMs.of(combo, started),
                            combo.manifest().version(),
                            mode.wireName(),
                            mode.wireName()));
            return;
        }
        Prediction prediction = predictors.of(ctx).classify(List.of(upload), TOP_K);
        RankedClass best = prediction.images().get(0).top().get(0);
        ctx.json(
                new SingleResp(
                        best.drug().index(),
                        best.probability(),
                        drugMetadata(best.drug()),
                        hint(best.probability(), threshold),
                        ENGINE,
                        new TimeMs(
                                V1Routes.round(
                                        prediction.preprocessMs() + prediction.inferenceMs()),
                                V1Routes.round(V1Routes.millisSince(started))),
                        prediction.manifest().version(),
                        prediction.images().get(0).decision().wireName()));
    }

    private void batch(Context ctx) {
        long started = System.nanoTime();
        Mode mode = RequestParams.mode(ctx);
        double threshold = RequestParams.confThreshold(ctx);
        RequestParams.requireDetector(mode, models);
        List<ImageUpload> images = uploads.many(ctx, "images", settings.maxBatchImages());
        if (mode == Mode.COMBO) {
            ComboPrediction combo = predictors.of(ctx).combo(images, TOP_K);
            List<BatchItem> results = new ArrayList<>();
            int total = 0;
            for (ComboPrediction.PhotoResult photo : combo.photos()) {
                List<DetectionResult> detections = detections(photo, threshold);
                total += detections.size();
                results.add(
                        new BatchItem(
                                mode.wireName(),
                                new ComboBatchResult(detections, detections.size())));
            }
            ctx.json(
                    new BatchResp(
                            results,
                            ENGINE,
                            ENGINE,
                            ComboTimeMs.of(combo, started),
                            results.size(),
                            total));
            return;
        }
        Prediction prediction = predictors.of(ctx).classify(images, TOP_K);
        List<BatchItem> results =
                prediction.images().stream()
                        .map(
                                image -> {
                                    RankedClass best = image.top().get(0);
                                    return new BatchItem(
                                            mode.wireName(),
                                            new BatchResult(
                                                    best.drug().index(),
                                                    best.probability(),
                                                    drugMetadata(best.drug()),
                                                    hint(best.probability(), threshold),
                                                    image.decision().wireName()));
                                })
                        .toList();
        ctx.json(
                new BatchResp(
                        results,
                        null,
                        ENGINE,
                        new TimeMs(
                                V1Routes.round(
                                        prediction.preprocessMs() + prediction.inferenceMs()),
                                V1Routes.round(V1Routes.millisSince(started))),
                        results.size(),
                        0));
    }

    /**
     * The original's detection results: corners in the photo's pixels, the detector's confidence
     * (boxes under {@code conf_threshold} are left out), the crop's most likely drug with its
     * probability ({@code class_confidence}) and metadata.
     */
    private static List<DetectionResult> detections(
            ComboPrediction.PhotoResult photo, double threshold) {
        List<DetectionResult> detections = new ArrayList<>();
        for (ComboPrediction.FoundPill pill : photo.pills()) {
            if (pill.confidence() < threshold) {
                continue;
            }
            RankedClass best = pill.top().get(0);
            V1Routes.PixelBox box = V1Routes.PixelBox.of(pill.box());
            detections.add(
                    new DetectionResult(
                            List.of(box.x1(), box.y1(), box.x2(), box.y2()),
                            pill.confidence(),
                            best.drug().index(),
                            best.probability(),
                            drugMetadata(best.drug()),
                            pill.decision().wireName()));
        }
        return detections;
    }

    private void reload(Context ctx) {
        ReloadReq request;
        try {
            request = json.readValue(ctx.bodyInputStream(), ReloadReq.class);
        } catch (IOException e) {
            throw new RequestRejectedException(
                    ErrorCode.MALFORMED_REQUEST,
                    "the body must be JSON like {\"classification_path\": \"/models/run\"}: "
                            + e.getMessage());
        }
        if (request == null) {
            throw new RequestRejectedException(
                    ErrorCode.MALFORMED_REQUEST,
                    "the body must be JSON like {\"classification_path\": \"/models/run\"}");
        }
        if (request.detectionPath() != null) {
            throw new RequestRejectedException(
                    ErrorCode.INVALID_PARAMETER,
                    "a run's detector comes with it (detector.onnx, listed in its"
                            + " manifest.json, loads with the classifier): drop detection_path and"
                            + " send the run folder as classification_path");
        }
        if (request.drugMetadataPath() != null) {
            throw new RequestRejectedException(
                    ErrorCode.INVALID_PARAMETER,
                    "drug metadata comes with the run (the classes of its manifest.json); drop"
                            + " drug_metadata_path");
        }
        String path =
                request.classificationPath() != null
                        ? request.classificationPath()
                        : request.modelPath();
        if (path == null || path.isBlank()) {
            throw new RequestRejectedException(
                    ErrorCode.MISSING_FIELD,
                    "send classification_path (or model_path): the run folder to serve");
        }
        Path folder = runFolder(path);
        LoadedModel model;
        try {
            model = models.reload(folder);
        } catch (ModelLoadException e) {
            metrics.reloaded(false);
            throw new RequestRejectedException(
                    ErrorCode.RELOAD_FAILED,
                    "kept serving "
                            + models.current().map(LoadedModel::version).orElse("nothing")
                            + ": "
                            + e.getMessage());
        }
        metrics.reloaded(true);
        ctx.json(new ReloadResp(true, null, ENGINE, model.version()));
    }

    /** The run folder of a path that may name the folder, its manifest or its ONNX file. */
    private Path runFolder(String path) {
        Path folder = Path.of(path).toAbsolutePath().normalize();
        if (Files.isRegularFile(folder)) {
            folder = folder.getParent();
        }
        if (!folder.startsWith(settings.reloadRoot())) {
            throw new RequestRejectedException(
                    ErrorCode.INVALID_PARAMETER,
                    folder
                            + " is outside "
                            + settings.reloadRoot()
                            + ", the only folder runs are reloaded from (--reload-root)");
        }
        return folder;
    }

    private static String modelPath(LoadedModel model, String role) {
        return model.manifest()
                .model(role)
                .map(f -> model.directory().resolve(f.file()).toString())
                .orElse(null);
    }

    /** The original's metadata keys, from the run's class map. */
    static Map<String, Object> drugMetadata(DrugClass drug) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("di_edi_code", drug.ediCode());
        metadata.put("dl_name", drug.name());
        metadata.put("k_code", drug.kCode());
        metadata.put("drug_shape", drug.shape());
        metadata.put("color_class1", drug.color());
        metadata.put("print_front", drug.printFront());
        metadata.put("print_back", drug.printBack());
        return metadata;
    }

    private static String hint(double confidence, double threshold) {
        if (confidence >= threshold) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "low confidence (%.2f < conf_threshold %.2f): photograph one pill on a plain"
                        + " background, or compare the top 5 from POST /v1/predict",
                confidence,
                threshold);
    }

    record ModelsLoaded(boolean detection, boolean classification) {}

    record HealthResp(
            String status,
            String device,
            @JsonProperty("uptime_sec") double uptimeSec,
            @JsonProperty("detection_engine") String detectionEngine,
            @JsonProperty("classification_engine") String classificationEngine,
            @JsonProperty("models_loaded") ModelsLoaded modelsLoaded) {}

    record VersionResp(
            String app,
            @JsonProperty("git_sha") String gitSha,
            @JsonProperty("detection_model_path") String detectionModelPath,
            @JsonProperty("classification_model_path") String classificationModelPath,
            @JsonProperty("drug_metadata_loaded") boolean drugMetadataLoaded,
            @JsonProperty("num_classes") int numClasses,
            @JsonProperty("exported_at") String exportedAt) {}

    record TimeMs(double classification, double total) {}

    /**
     * @param decision ours, added to the original's fields: {@code identified}, or {@code not_sure}
     *     when {@code confidence} is under the run's answer threshold (independent of {@code
     *     conf_threshold}, which keeps its meaning for {@code hint})
     */
    record SingleResp(
            @JsonProperty("class_id") int classId,
            double confidence,
            @JsonProperty("drug_metadata") Map<String, Object> drugMetadata,
            String hint,
            @JsonProperty("classification_engine") String classificationEngine,
            @JsonProperty("time_ms") TimeMs timeMs,
            @JsonProperty("version_tag") String versionTag,
            String decision) {}

    /**
     * @param decision ours, as in {@link SingleResp}
     */
    record BatchResult(
            @JsonProperty("class_id") int classId,
            double confidence,
            @JsonProperty("drug_metadata") Map<String, Object> drugMetadata,
            String hint,
            String decision) {}

    record BatchItem(String mode, Object result) {}

    /**
     * @param decision ours: {@code identified}, or {@code not_sure} when {@code class_confidence}
     *     is under the run's answer threshold
     */
    record DetectionResult(
            List<Double> bbox,
            double confidence,
            @JsonProperty("class_id") int classId,
            @JsonProperty("class_confidence") double classConfidence,
            @JsonProperty("drug_metadata") Map<String, Object> drugMetadata,
            String decision) {}

    record ComboTimeMs(double detection, double classification, double total) {
        static ComboTimeMs of(ComboPrediction combo, long started) {
            return new ComboTimeMs(
                    V1Routes.round(combo.preprocessMs() + combo.detectionMs()),
                    V1Routes.round(combo.classificationMs()),
                    V1Routes.round(V1Routes.millisSince(started)));
        }
    }

    record ComboResp(
            List<DetectionResult> detections,
            @JsonProperty("detection_count") int detectionCount,
            @JsonProperty("detection_engine") String detectionEngine,
            @JsonProperty("classification_engine") String classificationEngine,
            @JsonProperty("time_ms") ComboTimeMs timeMs,
            @JsonProperty("version_tag") String versionTag,
            @JsonProperty("mode_requested") String modeRequested,
            @JsonProperty("mode_used") String modeUsed) {}

    record ComboBatchResult(
            List<DetectionResult> detections,
            @JsonProperty("detection_count") int detectionCount) {}

    record BatchResp(
            List<BatchItem> results,
            @JsonProperty("detection_engine") String detectionEngine,
            @JsonProperty("classification_engine") String classificationEngine,
            @JsonProperty("time_ms") Object timeMs,
            int count,
            @JsonProperty("total_detections") int totalDetections) {}

    record ReloadReq(
            @JsonProperty("classification_path") String classificationPath,
            @JsonProperty("model_path") String modelPath,
            @JsonProperty("detection_path") String detectionPath,
            @JsonProperty("drug_metadata_path") String drugMetadataPath) {}

    record ReloadResp(
            boolean ok,
            @JsonProperty("detection_engine") String detectionEngine,
            @JsonProperty("classification_engine") String classificationEngine,
            @JsonProperty("version_tag") String versionTag) {}
}
