package io.pillsnap.inference.metrics;

import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.inference.model.LoadedModel;
import io.pillsnap.inference.model.ModelRegistry;
import io.pillsnap.inference.predict.Decision;
import io.pillsnap.inference.predict.InferenceSlots;
import io.pillsnap.inference.predict.Mode;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The inference server's Prometheus metrics. Model and slot gauges are read at scrape time from the
 * registry and the slots, so they always show the current state.
 */
public final class ServingMetrics {

    public static final String REQUESTS = "pillsnap_inference_requests";
    public static final String REQUEST_DURATION = "pillsnap_inference_request_duration_seconds";
    public static final String STEP_DURATION = "pillsnap_inference_step_duration_seconds";
    public static final String IMAGES = "pillsnap_inference_images";
    public static final String ANSWERS = "pillsnap_inference_answers";
    public static final String REJECTIONS = "pillsnap_inference_rejections";
    public static final String INFLIGHT = "pillsnap_inference_inflight";
    public static final String SLOTS = "pillsnap_inference_slots";

    /** Exported as {@code pillsnap_inference_model_info}. */
    public static final String MODEL_INFO = "pillsnap_inference_model";

    public static final String MODEL_READY = "pillsnap_inference_model_ready";
    public static final String RELOADS = "pillsnap_inference_model_reloads";

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Histogram stepDuration;
    private final Counter images;
    private final Counter answers;
    private final Counter rejections;
    private final Counter reloads;
    private final Info modelInfo;
    private ModelRegistry models;
    private String[] shownModel;

    public ServingMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        requests =
                Counter.builder()
                        .name(REQUESTS)
                        .help("HTTP requests by endpoint (route pattern), method and status")
                        .labelNames("endpoint", "method", "status")
                        .register(registry);
        requestDuration =
                Histogram.builder()
                        .name(REQUEST_DURATION)
                        .help("HTTP request duration by endpoint, from first byte to response")
                        .labelNames("endpoint")
                        .classicOnly()
                        .classicUpperBounds(
                                0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10)
                        .register(registry);
        stepDuration =
                Histogram.builder()
                        .name(STEP_DURATION)
                        .help(
                                "Time per request in a serving step: preprocess (decode, resize,"
                                        + " normalise) and inference (ONNX Runtime)")
                        .labelNames("step")
                        .classicOnly()
                        .classicUpperBounds(
                                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
                        .register(registry);
        images = Counter.builder().name(IMAGES).help("Images classified").register(registry);
        answers =
                Counter.builder()
                        .name(ANSWERS)
                        .help(
                                "Answers by mode (single: one per photo, combo: one per pill"
                                        + " found) and decision (identified, or not_sure below the"
                                        + " model's answer threshold)")
                        .labelNames("mode", "decision")
                        .register(registry);
        // every series from the start, so that a rate of not_sure answers reads 0, not nothing
        for (Mode mode : Mode.values()) {
            for (Decision decision : Decision.values()) {
                answers.initLabelValues(mode.wireName(), decision.wireName());
            }
        }
        rejections =
                Counter.builder()
                        .name(REJECTIONS)
                        .help("Requests refused, by error code")
                        .labelNames("code")
                        .register(registry);
        reloads =
                Counter.builder()
                        .name(RELOADS)
                        .help("Model reloads by result")
                        .labelNames("result")
                        .register(registry);
        modelInfo =
                Info.builder()
                        .name(MODEL_INFO)
                        .help("The served model, in labels: version, stage, run, architecture")
                        .labelNames("version", "stage", "run", "architecture", "classes")
                        .register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** Gauges of the served model and the inference slots, read at scrape time. */
    public void watch(ModelRegistry models, InferenceSlots slots) {
        this.models = models;
        GaugeWithCallback.builder()
                .name(MODEL_READY)
                .help("1 when a verified model is loaded and served")
                .callback(callback -> callback.call(models.current().isPresent() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name(INFLIGHT)
                .help("Inference slots in use: requests decoding or classifying right now")
                .callback(callback -> callback.call(slots.inUse()))
                .register(registry);
        GaugeWithCallback.builder()
                .name(SLOTS)
                .help("Inference slots in all (--max-concurrent)")
                .callback(callback -> callback.call(slots.capacity()))
                .register(registry);
    }

    public void requestServed(String endpoint, String method, int status, double seconds) {
        requests.labelValues(endpoint, method, String.valueOf(status)).inc();
        requestDuration.labelValues(endpoint).observe(seconds);
    }

    public void imagesClassified(int count, double preprocessMs, double inferenceMs) {
        images.inc(count);
        stepDuration.labelValues("preprocess").observe(preprocessMs / 1000);
        stepDuration.labelValues("inference").observe(inferenceMs / 1000);
    }

    public void answered(Mode mode, Decision decision) {
        answers.labelValues(mode.wireName(), decision.wireName()).inc();
    }

    public void rejected(String code) {
        rejections.labelValues(code).inc();
    }

    public void reloaded(boolean succeeded) {
        reloads.labelValues(succeeded ? "success" : "failure").inc();
    }

    public String contentType() {
        return writer.getContentType();
    }

    public void write(OutputStream out) throws IOException {
        showModel();
        writer.write(out, registry.scrape());
    }

    /** Info metrics have no callback: the served model's labels are set before each scrape. */
    private synchronized void showModel() {
        String[] labels =
                models == null
                        ? null
                        : models.current()
                                .map(
                                        m ->
                                                new String[] {
                                                    m.version(),
                                                    m.manifest().stageName(),
                                                    m.manifest().runId(),
                                                    architecture(m),
                                                    String.valueOf(m.manifest().classes().size())
                                                })
                                .orElse(null);
        if (labels != null) {
            modelInfo.setLabelValues(labels);
        } else if (shownModel != null) {
            modelInfo.remove(shownModel);
        }
        shownModel = labels;
    }

    private static String architecture(LoadedModel model) {
        return model.manifest()
                .model(ModelFile.CLASSIFIER)
                .map(f -> f.architecture() == null ? "" : f.architecture())
                .orElse("");
    }
}
