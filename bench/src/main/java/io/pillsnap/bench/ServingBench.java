package io.pillsnap.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.config.ServerSettings;
import io.pillsnap.inference.model.ManifestLoader;
import io.pillsnap.inference.warmup.SyntheticPhoto;
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
 * each concurrency, against the bare ONNX Runtime sessions on the same preprocessed inputs.
 * Measures and prints; passes or fails nothing.
 */
@Command(
        name = "serving-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Start the inference server on a run folder, send the same photo to POST /v1/predict",
            "at each concurrency, and print p50/p99 latency and throughput, beside the bare ONNX",
            "Runtime sessions on the same preprocessed input. Without --model-dir a tiny",
            "model is trained first (about 20 s)."
        })
public final class ServingBench implements Callable<Integer> {

    /** Blocks of the overhead's measurement, server and bare sessions in turn. */
    private static final int OVERHEAD_BLOCKS = 10;

    /** What is sent: one pill per photo, or a photo of several pills (mode=combo). */
    enum BenchMode {
        single,
        combo
    }

    @Option(names = "--model-dir", paramLabel = "DIR", description = "Run folder to serve")
    Path modelDir;

    @Option(
            names = "--mode",
            defaultValue = "single",
            description =
                    "single: POST /v1/predict; combo: POST /v1/predict?mode=combo (the run needs a"
                            + " detector, and --photo a photo of several pills) (default:"
                            + " ${DEFAULT-VALUE})")
    BenchMode mode;

    @Option(
            names = "--photo",
            paramLabel = "FILE",
            description = "Photo to send (default in single mode: a drawn 976 x 1280 JPEG pill)")
    Path photo;

    @Option(
            names = "--requests",
            defaultValue = "300",
            description = "Timed requests per concurrency (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(
            names = "--warmup",
            defaultValue = "1500",
            description =
                    "Untimed requests first, so the JIT has compiled the request path (default:"
                            + " ${DEFAULT-VALUE}; with 30, the server's p50 was 2 ms higher)")
    int warmup;

    @Option(
            names = "--server-warmup",
            defaultValue = "0",
            description =
                    "The server's own warm-up requests before it is ready (--warmup-requests of"
                            + " pillsnap-inference, whose default is 200); with --warmup 0, the"
                            + " timed requests are a fresh server's first (default: ${DEFAULT-VALUE})")
    int serverWarmup;

    @Option(
            names = "--concurrency",
            defaultValue = "1,8",
            split = ",",
            description = "Client threads, one run each (default: ${DEFAULT-VALUE})")
    List<Integer> concurrency;

    @Option(
            names = "--sweep",
            description =
                    "Load held: concurrency 1, 2, 4, ... up to 4x the server's slots, the"
                            + " documented overload answer (503) counted instead of failing the run,"
                            + " and GET /readyz asked every 50 ms throughout")
    boolean sweep;

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
        if (mode == BenchMode.combo && (modelDir == null || photo == null)) {
            System.err.println(
                    "--mode combo needs --model-dir, a run with a detector (e.g. of"
                            + " config/stage3-synthetic.yaml), and --photo, a photo of several pills"
                            + " (e.g. one of its dataset's val/images/combination/ photos)");
            return 2;
        }
        Path run =
                modelDir != null
                        ? modelDir
                        : TinyModel.train(Files.createTempDirectory("pillsnap-bench"));
        byte[] bytes = photo != null ? Files.readAllBytes(photo) : SyntheticPhoto.jpeg(976, 1280);
        ArtifactManifest manifest = new ManifestLoader(threads).read(run);
        ModelFile classifier = manifest.model(ModelFile.CLASSIFIER).orElseThrow();
        if (mode == BenchMode.combo && manifest.model(ModelFile.DETECTOR).isEmpty()) {
            System.err.println(
                    run + " has no detector: --mode combo needs a run trained with detection");
            return 2;
        }
        ImageDecoder.Header header = ImageDecoder.header(bytes);
        List<Integer> levels = sweep ? sweepLevels(maxConcurrent) : concurrency;

        List<String> lines = new ArrayList<>();
        lines.add(
                String.format(
                        Locale.ROOT,
                        "model %s (%s, %d px, %d classes)%s; photo %s %d x %d, %.1f KB;"
                                + " %d cores, %d ONNX Runtime thread(s), %d server slots",
                        manifest.version(),
                        classifier.architecture(),
                        manifest.preprocessing().imageSize(),
                        manifest.classes().size(),
                        mode == BenchMode.combo
                                ? " with detector "
                                        + manifest.model(ModelFile.DETECTOR)
                                                .orElseThrow()
                                                .architecture()
                                : "",
                        header.format(),
                        header.width(),
                        header.height(),
                        bytes.length / 1024.0,
                        Runtime.getRuntime().availableProcessors(),
                        threads,
                        maxConcurrent));
        lines.add(
                "client: one kept-alive HTTP/1.1 connection per client thread, multipart upload,"
                        + " timed from the request's first byte sent to the answer's last read");

        try (BareInputs bare = BareInputs.of(mode, run, manifest, bytes, threads)) {
            lines.add(bare.describe());
            ServerSettings settings =
                    ServerSettings.builder(run)
                            .port(0)
                            .threads(threads)
                            .maxConcurrentInferences(maxConcurrent)
                            .rateLimitPerMinute(0)
                            .warmupRequests(serverWarmup)
                            .build();
            List<Row> rows = new ArrayList<>();
            Overhead overhead = null;
            try (InferenceServer server = InferenceServer.start(settings)) {
                if (server.models().current().isEmpty()) {
                    System.err.println(
                            "the server did not load "
                                    + run
                                    + ": "
                                    + server.models().unreadyReason());
                    return 1;
                }
                String path = mode == BenchMode.combo ? "/v1/predict?mode=combo" : "/v1/predict";
                HttpLoad load = new HttpLoad(server.port(), path, bytes);
                load.run(warmup, 1, false);
                for (int c : levels) {
                    try (ReadinessProbe probe =
                            sweep ? ReadinessProbe.start(server.port()) : ReadinessProbe.NONE) {
                        HttpLoad.Result result = load.run(requests, c, sweep);
                        rows.add(new Row(c, result, probe.summary()));
                    }
                }
                if (!sweep) {
                    overhead = Overhead.measure(load, bare, requests, warmup, OVERHEAD_BLOCKS);
                }
            }
            lines.add(header(mode));
            for (Row row : rows) {
                double bareRate = bare.throughput(row.concurrency(), requests);
                lines.add(row.format(mode, bareRate));
            }
            if (overhead != null) {
                lines.addAll(overhead(mode, overhead));
            }
        }
        System.out.println();
        lines.forEach(System.out::println);
        return 0;
    }

    /**
     * The overhead lines: the server at concurrency 1 and the bare sessions, measured in blocks
     * taken in turn.
     */
    private static List<String> overhead(BenchMode mode, Overhead overhead) {
        double[] range = overhead.blockRange();
        return List.of(
                String.format(
                        Locale.ROOT,
                        "overhead at concurrency 1, the server and the bare ONNX Runtime %s"
                                + " timed in turn, %d blocks of %d requests and %d runs:",
                        mode == BenchMode.combo
                                ? "sessions (detector, then classifier on the crops)"
                                : "session",
                        overhead.blockDifferences().length,
                        overhead.perBlock(),
                        overhead.perBlock()),
                String.format(
                        Locale.ROOT,
                        "  server p50 %.2f ms, p99 %.2f ms; bare p50 %.3f ms, p99 %.3f ms",
                        overhead.server().p50Ms(),
                        overhead.server().p99Ms(),
                        overhead.bare().p50Ms(),
                        overhead.bare().p99Ms()),
                String.format(
                        Locale.ROOT,
                        "  server p50 - bare p50 = %.2f ms (goal: at most %d ms; blocks %.2f to"
                                + " %.2f ms); server p50 / bare p50 = %.1fx",
                        overhead.p50Difference(),
                        mode == BenchMode.combo ? 3 : 2,
                        range[0],
                        range[1],
                        overhead.server().p50Ms() / overhead.bare().p50Ms()));
    }

    /** 1, 2, 4, ... up to four times the slots (the last level exactly that). */
    static List<Integer> sweepLevels(int slots) {
        List<Integer> levels = new ArrayList<>();
        for (int c = 1; c < 4 * slots; c *= 2) {
            levels.add(c);
        }
        levels.add(4 * slots);
        return levels;
    }

    private static String header(BenchMode mode) {
        return String.format(
                Locale.ROOT,
                "%-11s %8s %8s %9s %9s %6s   %s",
                "concurrency",
                "p50 ms",
                "p99 ms",
                "req/s",
                "bare/s",
                "ratio",
                mode == BenchMode.combo
                        ? "in-server p50 ms (preprocess / detection / classification / total)"
                        : "in-server p50 ms (preprocess / inference / total)");
    }

    /** One concurrency's answers, and /readyz during it when the sweep asked. */
    private record Row(int concurrency, HttpLoad.Result result, String readiness) {

        String format(BenchMode mode, double bareRate) throws Exception {
            LatencySummary l = result.latency();
            String line =
                    String.format(
                            Locale.ROOT,
                            "%-11d %8.2f %8.2f %9.1f %9.1f %5.0f%%   %s",
                            concurrency,
                            l.p50Ms(),
                            l.p99Ms(),
                            l.perSecond(),
                            bareRate,
                            100 * l.perSecond() / bareRate,
                            serverTimings(mode, result.bodies()));
            if (readiness != null) {
                line += "\n            answers " + result.statuses() + "; " + readiness;
            }
            return line;
        }
    }

    /** The p50 of the server's own latencyMs fields, to show where the time goes. */
    private static String serverTimings(BenchMode mode, List<String> bodies) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> fields =
                mode == BenchMode.combo
                        ? List.of("preprocess", "detection", "classification", "total")
                        : List.of("preprocess", "inference", "total");
        List<String> medians = new ArrayList<>();
        for (String field : fields) {
            double[] values = new double[bodies.size()];
            for (int i = 0; i < bodies.size(); i++) {
                JsonNode latency = json.readTree(bodies.get(i)).path("latencyMs");
                values[i] = latency.path(field).asDouble();
            }
            medians.add(String.format(Locale.ROOT, "%.2f", LatencySummary.of(values, 1).p50Ms()));
        }
        return String.join(" / ", medians);
    }

    /** The preprocessed inputs of the photo for the bare sessions. */
    static float[] classifierInput(byte[] photo, Preprocessing preprocessing) throws Exception {
        float[] input = new float[3 * preprocessing.imageSize() * preprocessing.imageSize()];
        preprocessing.toTensor(photo, ImageDecoder.DEFAULT_MAX_PIXELS, input, 0);
        return input;
    }
}
