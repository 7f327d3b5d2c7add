package io.pillsnap.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.inference.model.ManifestLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Serving latency on one model: the inference server in-process, the same photo sent over HTTP at
 * each concurrency, against the bare ONNX Runtime session on the same preprocessed input. Measures
 * and prints; passes or fails nothing.
 */
@Command(
        name = "serving-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Start the inference server on a run folder, send the same photo to POST /v1/predict",
            "at each concurrency, and print p50/p99 latency and throughput, beside the bare ONNX",
            "Runtime session time for the same preprocessed input. Without --model-dir a tiny",
            "model is trained first (about 20 s)."
        })
public final class ServingBench implements Callable<Integer> {

    @Option(names = "--model-dir", paramLabel = "DIR", description = "Run folder to serve")
    Path modelDir;

    @Option(
            names = "--photo",
            paramLabel = "FILE",
            description = "Photo to send (default: a drawn 976 x 1280 JPEG pill)")
    Path photo;

    @Option(
            names = "--requests",
            defaultValue = "300",
            description = "Timed requests per concurrency (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(
            names = "--warmup",
            defaultValue = "30",
            description = "Untimed requests first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(
            names = "--concurrency",
            defaultValue = "1,8",
            split = ",",
            description = "Client threads, one run each (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description =
                    "ONNX Runtime threads per inference, server and bare session alike (default:"
                            + " ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--max-concurrent",
            defaultValue = "8",
            description = "The server's inference slots (default: ${DEFAULT-VALUE})")
    int maxConcurrent;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServingBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path run =
                modelDir != null
                        ? modelDir
                        : TinyModel.train(Files.createTempDirectory("pillsnap-bench"));
        byte[] bytes = photo != null ? Files.readAllBytes(photo) : SyntheticPhoto.jpeg(976, 1280);
        ArtifactManifest manifest = new ManifestLoader(threads).read(run);
        ModelFile classifier = manifest.model(ModelFile.CLASSIFIER).orElseThrow();
        ImageDecoder.Header header = ImageDecoder.header(bytes);
        float[] input =
                manifest.preprocessing()
                        .toTensor(
                                ImageDecoder.decode(
                                        bytes,
                                        ImageDecoder.DEFAULT_MAX_PIXELS,
                                        manifest.preprocessing().decodeSide()));

        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "model %s (%s, %d px, %d classes); photo %s %d x %d, %.1f KB;"
                                + " %d cores, %d ONNX Runtime thread(s), %d server slots",
                        manifest.version(),
                        classifier.architecture(),
                        manifest.preprocessing().imageSize(),
                        manifest.classes().size(),
                        header.format(),
                        header.width(),
                        header.height(),
                        bytes.length / 1024.0,
                        Runtime.getRuntime().availableProcessors(),
                        threads,
                        maxConcurrent));

        ServerSettings settings =
                ServerSettings.builder(run)
                        .port(0)
                        .threads(threads)
                        .maxConcurrentInferences(maxConcurrent)
                        .rateLimitPerMinute(0)
                        .build();
        double serverP50AtOne = Double.NaN;
        try (InferenceServer server = InferenceServer.start(settings)) {
            if (server.models().current().isEmpty()) {
                System.err.println(
                        "the server did not load " + run + ": " + server.models().unreadyReason());
                return 1;
            }
            HttpLoad load = new HttpLoad(server.port(), bytes);
            load.run(warmup, 1);
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%-11s %8s %8s %10s   %s",
                            "concurrency",
                            "p50 ms",
                            "p99 ms",
                            "req/s",
                            "in-server p50 ms (preprocess / inference / total)"));
            for (int c : concurrency) {
                HttpLoad.Result result = load.run(requests, c);
                LatencySummary l = result.latency();
                if (c == 1) {
                    serverP50AtOne = l.p50Ms();
                }
                lines.add(
                        String.format(
                                Locale.ROOT,
                                "%-11d %8.2f %8.2f %10.1f   %s",
                                c,
                                l.p50Ms(),
                                l.p99Ms(),
                                l.perSecond(),
                                serverTimings(result.bodies())));
            }
        }
        LatencySummary bare =
                SessionTimer.time(
                        run.resolve(classifier.file()),
                        classifier,
                        input,
                        manifest.preprocessing().imageSize(),
                        threads,
                        warmup,
                        requests);
        lines.add(
                String.format(
                        Locale.ROOT,
                        "bare ONNX Runtime session, same preprocessed input: p50 %.3f ms, p99 %.3f ms",
                        bare.p50Ms(),
                        bare.p99Ms()));
        if (!Double.isNaN(serverP50AtOne)) {
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "server p50 (concurrency 1) / bare session p50: %.1fx",
                            serverP50AtOne / bare.p50Ms()));
        }
        System.out.println();
        lines.forEach(System.out::println);
        return 0;
    }

    /** The p50 of the server's own latencyMs fields, to show where the time goes. */
    private static String serverTimings(List<String> bodies) throws Exception {
        ObjectMapper json = new ObjectMapper();
        double[] preprocess = new double[bodies.size()];
        double[] inference = new double[bodies.size()];
        double[] total = new double[bodies.size()];
        for (int i = 0; i < bodies.size(); i++) {
            JsonNode latency = json.readTree(bodies.get(i)).path("latencyMs");
            preprocess[i] = latency.path("preprocess").asDouble();
            inference[i] = latency.path("inference").asDouble();
            total[i] = latency.path("total").asDouble();
        }
        return String.format(
                Locale.ROOT,
                "%.2f / %.3f / %.2f",
                LatencySummary.of(preprocess, 1).p50Ms(),
                LatencySummary.of(inference, 1).p50Ms(),
                LatencySummary.of(total, 1).p50Ms());
    }
}
