package io.pillsnap.inference.config;

import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.auth.ApiKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pillsnap-inference}: the flags of the inference server, each also read from an environment
 * variable so a Deployment can set them either way.
 */
@Command(
        name = "pillsnap-inference",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        versionProvider = ServerCommand.Version.class,
        description = {
            "Serve a trained run's ONNX classifier over HTTP: POST /v1/predict and the original",
            "system's /predict, /batch, /health, /version and /reload; /healthz, /readyz, /metrics.",
            "",
            "Example:",
            "  pillsnap-inference --model-dir runs/demo --port 8000"
        })
public final class ServerCommand implements Callable<Integer> {

    @Option(
            names = "--port",
            defaultValue = "${env:PILLSNAP_PORT:-8000}",
            description = "HTTP port; 0 picks a free one (env PILLSNAP_PORT, default 8000)")
    int port;

    @Option(
            names = "--model-dir",
            defaultValue = "${env:PILLSNAP_MODEL_DIR:-/models/current}",
            paramLabel = "DIR",
            description =
                    "Run folder with manifest.json and its ONNX files (env PILLSNAP_MODEL_DIR,"
                            + " default ${DEFAULT-VALUE})")
    Path modelDir;

    @Option(
            names = "--threads",
            defaultValue = "${env:PILLSNAP_THREADS:-0}",
            description = "ONNX Runtime threads per inference; 0: all cores (env PILLSNAP_THREADS)")
    int threads;

    @Option(
            names = "--top-k",
            defaultValue = "${env:PILLSNAP_TOP_K:-5}",
            description = "Classes answered when a request does not say (env PILLSNAP_TOP_K)")
    int topK;

    @Option(
            names = "--warmup-requests",
            defaultValue = "${env:PILLSNAP_WARMUP_REQUESTS:-200}",
            description =
                    "Photos the server sends itself before /readyz says ready, so that users'"
                            + " first requests find the code compiled; 0: none (env"
                            + " PILLSNAP_WARMUP_REQUESTS, default ${DEFAULT-VALUE})")
    int warmupRequests;

    @Option(
            names = "--api-keys-file",
            defaultValue = "${env:PILLSNAP_API_KEYS_FILE}",
            paramLabel = "FILE",
            description =
                    "API keys, one a line (env PILLSNAP_API_KEYS_FILE, default"
                            + " /var/run/secrets/pillsnap/api-keys when present); keys in"
                            + " PILLSNAP_API_KEYS (comma-separated) count too. No keys: auth off")
    Path apiKeysFile;

    @Option(
            names = "--max-upload-bytes",
            defaultValue = "${env:PILLSNAP_MAX_UPLOAD_BYTES:-20971520}",
            description = "Largest image upload (env PILLSNAP_MAX_UPLOAD_BYTES, default 20 MB)")
    long maxUploadBytes;

    @Option(
            names = "--max-batch-bytes",
            defaultValue = "${env:PILLSNAP_MAX_BATCH_BYTES:-104857600}",
            description =
                    "Largest batch request body (env PILLSNAP_MAX_BATCH_BYTES, default 100 MB)")
    long maxBatchBytes;

    @Option(
            names = "--max-pixels",
            defaultValue = "${env:PILLSNAP_MAX_PIXELS:-40000000}",
            description =
                    "Largest width x height, refused from the header before decoding (env"
                            + " PILLSNAP_MAX_PIXELS, default 40 MP)")
    long maxPixels;

    @Option(
            names = "--request-timeout",
            defaultValue = "${env:PILLSNAP_REQUEST_TIMEOUT:-30s}",
            converter = DurationConverter.class,
            description =
                    "Longest a connection may idle mid-request, e.g. a stalled upload (env"
                            + " PILLSNAP_REQUEST_TIMEOUT, default 30s)")
    Duration requestTimeout;

    @Option(
            names = "--max-concurrent",
            defaultValue = "${env:PILLSNAP_MAX_CONCURRENT:-0}",
            description =
                    "Images decoded and classified at once; 0: one per core (env"
                            + " PILLSNAP_MAX_CONCURRENT)")
    int maxConcurrent;

    @Option(
            names = "--queue-timeout",
            defaultValue = "${env:PILLSNAP_QUEUE_TIMEOUT:-5s}",
            converter = DurationConverter.class,
            description =
                    "Longest a request waits for a free slot before 503 + Retry-After (env"
                            + " PILLSNAP_QUEUE_TIMEOUT, default 5s)")
    Duration queueTimeout;

    @Option(
            names = "--rate-limit",
            defaultValue = "${env:PILLSNAP_RATE_LIMIT_PER_MIN:-60}",
            description =
                    "Requests per API key per minute, then 429; 0: off (env"
                            + " PILLSNAP_RATE_LIMIT_PER_MIN, default 60)")
    int rateLimit;

    @Option(
            names = "--reload-root",
            defaultValue = "${env:PILLSNAP_RELOAD_ROOT}",
            paramLabel = "DIR",
            description =
                    "POST /reload loads run folders under this one only (env"
                            + " PILLSNAP_RELOAD_ROOT, default: the model directory's parent)")
    Path reloadRoot;

    @Override
    public Integer call() throws InterruptedException {
        ServerSettings settings = settings();
        InferenceServer server = InferenceServer.start(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.close();
                                    stopped.countDown();
                                },
                                "shutdown"));
        stopped.await();
        return 0;
    }

    ServerSettings settings() {
        ApiKeys keys =
                apiKeysFile == null
                        ? ApiKeys.load(ApiKeys.DEFAULT_FILE, false, System.getenv(ApiKeys.ENV))
                        : ApiKeys.load(apiKeysFile, true, System.getenv(ApiKeys.ENV));
        int cores = Runtime.getRuntime().availableProcessors();
        return ServerSettings.builder(modelDir)
                .port(port)
                .threads(threads)
                .defaultTopK(topK)
                .apiKeys(keys)
                .maxUploadBytes(maxUploadBytes)
                .maxBatchBytes(maxBatchBytes)
                .maxPixels(maxPixels)
                .requestTimeout(requestTimeout)
                .maxConcurrentInferences(maxConcurrent > 0 ? maxConcurrent : cores)
                .queueTimeout(queueTimeout)
                .rateLimitPerMinute(rateLimit)
                .reloadRoot(reloadRoot)
                .gitSha(System.getenv("GIT_SHA"))
                .warmupRequests(warmupRequests)
                .build();
    }

    public static CommandLine commandLine() {
        return new CommandLine(new ServerCommand());
    }

    /** Durations as 30s, 500ms, 2m or ISO-8601 (PT30S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.startsWith("pt")) {
                return Duration.parse(value.strip());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            long amount = Long.parseLong(v.substring(0, v.length() - 1));
            return switch (v.charAt(v.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default ->
                        throw new CommandLine.TypeConversionException(
                                "'" + value + "' is not a duration: use 30s, 500ms, 2m or PT30S");
            };
        }
    }

    /** The version of the server jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ServerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pillsnap-inference " + (version == null ? "dev" : version)};
        }
    }
}
