package io.pillsnap.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.inference.model.OnnxClassifier;
import io.pillsnap.inference.predict.Predictor;
import io.pillsnap.inference.testing.ServedRun;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestClient.Part;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server on a freshly trained model, over real HTTP: predictions, model card, probes. */
class InferenceServerTest {

    @RegisterExtension static final ServedRun served = new ServedRun();

    @Test
    void aPillPhotoGetsTheModelsTopFiveWithDrugNames() throws Exception {
        TrainedRun.Sample sample = served.run().trainingSample(2);

        TestClient.Response response =
                served.client().postImage("/v1/predict", "image", sample.bytes());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("modelVersion").asText()).isEqualTo(served.run().manifest().version());
        assertThat(body.path("mode").asText()).isEqualTo("single");
        assertThat(body.path("image").path("format").asText()).isEqualTo("png");
        assertThat(body.path("image").path("width").asInt()).isEqualTo(64);
        JsonNode predictions = body.path("predictions");
        assertThat(predictions).hasSize(5);
        List<Integer> classes = new ArrayList<>();
        double previous = 1.0;
        for (JsonNode p : predictions) {
            int index = p.path("classIndex").asInt();
            classes.add(index);
            var drug = served.run().manifest().classes().get(index);
            assertThat(p.path("kCode").asText()).isEqualTo(drug.kCode());
            assertThat(p.path("ediCode").asText()).isEqualTo(drug.ediCode());
            assertThat(p.path("name").asText()).isEqualTo(drug.name());
            assertThat(p.path("probability").asDouble()).isBetween(0.0, previous);
            previous = p.path("probability").asDouble();
        }
        // exactly the model's own top five for the photo (the fixture model is tiny, so its
        // ranking is what is checked, not its accuracy; the README's runs measure that)
        assertThat(classes).doesNotHaveDuplicates().isEqualTo(modelsTopFive(sample.bytes()));
        JsonNode latency = body.path("latencyMs");
        assertThat(latency.path("inference").asDouble()).isPositive();
        assertThat(latency.path("preprocess").asDouble()).isPositive();
        assertThat(latency.path("total").asDouble())
                .isGreaterThanOrEqualTo(latency.path("inference").asDouble());
    }

    @Test
    void theProbabilitiesOfAllClassesSumToOne() {
        byte[] photo = served.run().trainingSample(0).bytes();

        JsonNode body =
                served.client()
                        .postImage("/v1/predict?topK=" + TrainedRun.CLASSES, "image", photo)
                        .json();

        double sum = 0;
        for (JsonNode p : body.path("predictions")) {
            sum += p.path("probability").asDouble();
        }
        assertThat(body.path("predictions")).hasSize(TrainedRun.CLASSES);
        assertThat(sum).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void thePhotoMayBeTheRawBody() {
        TestClient.Response response =
                served.client()
                        .postRaw(
                                "/v1/predict?topK=3",
                                served.run().trainingSample(1).bytes(),
                                "image/png");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("predictions")).hasSize(3);
    }

    @Test
    void aBatchAnswersEachPhotoInOrder() {
        List<Part> parts = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            parts.add(
                    Part.png(
                            "images",
                            "pill-" + c + ".png",
                            served.run().trainingSample(c).bytes()));
        }

        TestClient.Response response = served.client().postParts("/v1/predict/batch", parts);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("count").asInt()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            JsonNode result = body.path("results").get(i);
            assertThat(result.path("index").asInt()).isEqualTo(i);
            assertThat(result.path("filename").asText()).isEqualTo("pill-" + i + ".png");
            assertThat(result.path("predictions")).hasSize(5);
        }
    }

    @Test
    void theModelEndpointDescribesTheServedRun() {
        ArtifactManifest manifest = served.run().manifest();

        JsonNode body = served.client().get("/v1/model").json();

        assertThat(body.path("version").asText()).isEqualTo(manifest.version());
        assertThat(body.path("stageName").asText()).isEqualTo("tiny");
        assertThat(body.path("runId").asText()).isEqualTo("first");
        assertThat(body.path("modes")).hasSize(1);
        assertThat(body.path("classes").path("count").asInt()).isEqualTo(TrainedRun.CLASSES);
        assertThat(body.path("classes").path("items").get(3).path("kCode").asText())
                .isEqualTo(manifest.classes().get(3).kCode());
        assertThat(body.path("preprocessing").path("imageSize").asInt()).isEqualTo(48);
        assertThat(body.path("exportCheck").path("passed").asBoolean()).isTrue();
        assertThat(body.path("exportCheck").path("images").asInt())
                .isEqualTo(manifest.exportCheck().images());
        assertThat(body.path("metrics").has("top1")).isTrue();
        assertThat(body.path("lineage").path("trainImages").asInt())
                .isEqualTo(manifest.lineage().trainImages());
        assertThat(body.path("models").get(0).path("sha256").asText())
                .isEqualTo(manifest.models().get(0).sha256());
    }

    @Test
    void theClassListPages() {
        JsonNode classes =
                served.client().get("/v1/model?offset=4&limit=10").json().path("classes");

        assertThat(classes.path("count").asInt()).isEqualTo(TrainedRun.CLASSES);
        assertThat(classes.path("items")).hasSize(Math.min(10, TrainedRun.CLASSES - 4));
        assertThat(classes.path("items").get(0).path("index").asInt()).isEqualTo(4);
    }

    @Test
    void metricsCountRequestsByEndpointAndStatus() {
        served.client().postImage("/v1/predict", "image", served.run().trainingSample(0).bytes());
        served.client().postImage("/v1/predict", "image", served.run().trainingSample(0).bytes());
        served.client().postRaw("/v1/predict", new byte[0], "image/png");

        String metrics = served.client().get("/metrics").body();

        assertThat(counter(metrics, "/v1/predict", "200")).isGreaterThanOrEqualTo(2);
        assertThat(counter(metrics, "/v1/predict", "400")).isGreaterThanOrEqualTo(1);
        assertThat(metrics)
                .contains("pillsnap_inference_model_info{")
                .contains("version=\"" + served.run().manifest().version() + "\"")
                .contains(
                        "pillsnap_inference_request_duration_seconds_bucket{endpoint=\"/v1/predict\"")
                .contains("pillsnap_inference_step_duration_seconds_count{step=\"inference\"}")
                .contains("pillsnap_inference_inflight ")
                .contains("pillsnap_inference_rejections_total{code=\"empty_body\"}")
                .contains("pillsnap_inference_model_ready 1");
    }

    @Test
    void probesAnswerWhileTheModelIsServed() {
        assertThat(served.client().withKey(null).get("/healthz").status()).isEqualTo(200);
        TestClient.Response ready = served.client().withKey(null).get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("model").asText())
                .isEqualTo(served.run().manifest().version());
    }

    @Test
    void theApiIsDescribedAndHasAPage() {
        JsonNode openApi = served.client().withKey(null).get("/openapi.json").json();
        assertThat(openApi.path("openapi").asText()).startsWith("3.");
        assertThat(openApi.path("paths").fieldNames())
                .toIterable()
                .contains(
                        "/v1/predict",
                        "/v1/predict/batch",
                        "/v1/model",
                        "/healthz",
                        "/readyz",
                        "/metrics",
                        "/health",
                        "/version",
                        "/predict",
                        "/batch",
                        "/reload");

        TestClient.Response page = served.client().withKey(null).get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body())
                .contains("<input", "/v1/predict", "X-API-Key", "not_sure", "pharmacist")
                .doesNotContain("https://");
    }

    @Test
    void bearerTokensAreAcceptedLikeTheKeyHeader() {
        TestClient.Response response =
                new TestClient(served.server().port(), null)
                        .getWithBearer("/v1/model", TestServers.KEY);

        assertThat(response.status()).isEqualTo(200);
    }

    private static double counter(String metrics, String endpoint, String status) {
        Matcher m =
                Pattern.compile(
                                "pillsnap_inference_requests_total\\{endpoint=\""
                                        + Pattern.quote(endpoint)
                                        + "\",method=\"POST\",status=\""
                                        + status
                                        + "\"} (\\S+)")
                        .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** The top five of the run's classifier.onnx, run in-process on the server's input. */
    private static List<Integer> modelsTopFive(byte[] photo) throws Exception {
        ArtifactManifest manifest = served.run().manifest();
        ModelFile file = manifest.model(ModelFile.CLASSIFIER).orElseThrow();
        try (OnnxClassifier classifier =
                OnnxClassifier.open(
                        served.run().runDir().resolve(file.file()),
                        file,
                        manifest.preprocessing().imageSize(),
                        manifest.classes().size(),
                        1.0,
                        1)) {
            float[] input =
                    Predictor.input(
                            photo, manifest.preprocessing(), ImageDecoder.DEFAULT_MAX_PIXELS);
            return classifier.classify(input, 1, 5).get(0).stream()
                    .map(score -> score.classIndex())
                    .toList();
        }
    }
}
