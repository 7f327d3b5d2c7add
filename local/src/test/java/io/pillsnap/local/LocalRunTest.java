package io.pillsnap.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The local run end to end on a tiny synthetic stage: data generated, trained, gated with the
 * stage's criteria, and the model served over real HTTP; a failed gate serves nothing.
 */
class LocalRunTest {

    @TempDir Path folder;

    @Test
    void trainsGatesAndServesTheStage() throws Exception {
        Path stage = stage("local-pass", 0.05);
        LocalRun command = new LocalRun();
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out));
        CompletableFuture<Integer> exit =
                CompletableFuture.supplyAsync(
                        () ->
                                cli.execute(
                                        stage.toString(),
                                        "--work=" + folder.resolve("work"),
                                        "--port=0",
                                        "--device=cpu"));
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (command.servingPort() <= 0 && !exit.isDone()) {
                assertThat(System.nanoTime()).as("serving within 5 minutes").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(exit.isDone()).as("still running, output:%n%s", out).isFalse();
            String text = out.toString();
            assertThat(text)
                    .contains("[1/3] train", "[2/3] gate", "[3/3] serve")
                    .containsPattern("top1 +>= +0\\.0500 +\\d\\.\\d{4}  yes")
                    .contains("gate: Passed")
                    .contains("ONNX export: max abs logit difference")
                    .contains("curl -F image=@");
            Path photo = Path.of(text.replaceAll("(?s).*curl -F image=@(\\S+) .*", "$1"));
            assertThat(photo).isRegularFile();

            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://localhost:"
                                                                    + command.servingPort()
                                                                    + "/v1/predict"))
                                            .header("Content-Type", "image/png")
                                            .timeout(Duration.ofSeconds(30))
                                            .POST(HttpRequest.BodyPublishers.ofFile(photo))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(response.body());
            assertThat(body.path("modelVersion").asText()).startsWith("local-pass/local-");
            assertThat(body.path("predictions")).isNotEmpty();
        } finally {
            command.stop();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aFailedGateServesNothingAndExitsWithFour() throws Exception {
        Path stage = stage("local-fail", 0.999);
        StringWriter out = new StringWriter();

        int code =
                new CommandLine(new LocalRun())
                        .setOut(new PrintWriter(out))
                        .execute(
                                stage.toString(),
                                "--work=" + folder.resolve("work"),
                                "--port=0",
                                "--device=cpu");

        assertThat(code).as(out.toString()).isEqualTo(LocalRun.GATE_NOT_PASSED);
        assertThat(out.toString())
                .contains("gate: Failed")
                .contains("not promoted: top1")
                .doesNotContain("[3/3] serve");
    }

    @Test
    void nonSyntheticStageWithoutDataIsRefusedWithTheFix() throws Exception {
        Path stage =
                Files.writeString(
                        folder.resolve("aihub.yaml"),
                        Files.readString(stage("aihub", 0.5))
                                .replace("format: synthetic", "format: aihub"));
        StringWriter err = new StringWriter();

        int code =
                new CommandLine(new LocalRun())
                        .setErr(new PrintWriter(err))
                        .execute(stage.toString(), "--work=" + folder.resolve("work"));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("give its folder with --data DIR");
    }

    /** A stage small enough for a test: 6 synthetic classes, 48 px, a few epochs. */
    private Path stage(String name, double top1) throws Exception {
        return Files.writeString(
                folder.resolve(name + ".yaml"),
                """
                apiVersion: pillsnap.io/v1alpha1
                kind: PillsnapStage
                metadata: {name: %s}
                spec:
                  stage: 1
                  dataset: {format: synthetic, images: 60, classes: 6, seed: 7, valFraction: 0.25}
                  model:
                    classifier: {imageSize: 48, widthMultiplier: 0.25, depthMultiplier: 0.25, dropout: 0.0, dropPathRate: 0.0}
                  training: {epochs: 3, batchSize: "8", learningRate: 0.003, warmupEpochs: 1, earlyStoppingPatience: 0}
                  resources: {gpus: 0}
                  successCriteria: [{metric: top1, op: ">=", threshold: %s}]
                """
                        .formatted(name, top1));
    }
}
