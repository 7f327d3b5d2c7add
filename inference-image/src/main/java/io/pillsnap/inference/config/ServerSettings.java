package io.pillsnap.inference.config;

import io.pillsnap.inference.auth.ApiKeys;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the server is started with, validated once. Built by {@link ServerCommand} from flags
 * and environment variables, or by tests through {@link #builder(Path)}.
 *
 * @param threads ONNX Runtime intra-op threads per inference; 0: all cores
 * @param maxUploadBytes largest image (one upload, or one image of a batch)
 * @param maxBatchBytes largest batch request body
 * @param maxPixels largest width x height, checked from the image header before decoding
 * @param requestTimeout longest a connection may stay idle while sending or receiving
 * @param maxConcurrentInferences images decoded and classified at once; more requests wait
 * @param queueTimeout longest a request waits for an inference slot before a 503
 * @param rateLimitPerMinute requests per API key (client address when auth is off); 0: off
 * @param reloadRoot folder under which {@code POST /reload} may load runs
 * @param warmupRequests photos the server sends itself before it reports ready ({@link
 *     io.pillsnap.inference.warmup.Warmup}); 0: none
 */
public record ServerSettings(
        int port,
        Path modelDir,
        int threads,
        int defaultTopK,
        ApiKeys apiKeys,
        long maxUploadBytes,
        long maxBatchBytes,
        int maxBatchImages,
        long maxPixels,
        Duration requestTimeout,
        int maxConcurrentInferences,
        Duration queueTimeout,
        int rateLimitPerMinute,
        Path reloadRoot,
        String gitSha,
        int warmupRequests) {

    public static final int DEFAULT_PORT = 8000;
    public static final int DEFAULT_TOP_K = 5;
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 20L * 1024 * 1024;
    public static final long DEFAULT_MAX_BATCH_BYTES = 100L * 1024 * 1024;
    public static final int MAX_BATCH_IMAGES = 16;
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    public static final int DEFAULT_RATE_LIMIT = 60;
    public static final int DEFAULT_WARMUP_REQUESTS = 200;

    public ServerSettings {
        require(port >= 0 && port <= 65535, "port", port, "0..65535");
        require(modelDir != null, "model directory", null, "a path");
        require(threads >= 0, "threads", threads, ">= 0");
        require(defaultTopK >= 1, "default top-k", defaultTopK, ">= 1");
        require(maxUploadBytes > 0, "max upload bytes", maxUploadBytes, "> 0");
        require(maxBatchBytes >= maxUploadBytes, "max batch bytes", maxBatchBytes, ">= max upload");
        require(maxBatchImages >= 1, "max batch images", maxBatchImages, ">= 1");
        require(maxPixels > 0, "max pixels", maxPixels, "> 0");
        require(
                maxConcurrentInferences >= 1,
                "max concurrent inferences",
                maxConcurrentInferences,
                ">= 1");
        require(rateLimitPerMinute >= 0, "rate limit per minute", rateLimitPerMinute, ">= 0");
        require(warmupRequests >= 0, "warm-up requests", warmupRequests, ">= 0");
        apiKeys = apiKeys == null ? ApiKeys.none() : apiKeys;
        modelDir = modelDir.toAbsolutePath().normalize();
        reloadRoot =
                (reloadRoot == null ? modelDir.getParent() : reloadRoot)
                        .toAbsolutePath()
                        .normalize();
    }

    public static Builder builder(Path modelDir) {
        return new Builder(modelDir);
    }

    private static void require(boolean ok, String name, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(
                    name + " must be " + allowed + (value == null ? "" : ", not " + value));
        }
    }

    /**
     * Defaults of the command line, for tests and the benchmark, except the warm-up: none unless
     * set (the command line sends {@link #DEFAULT_WARMUP_REQUESTS}).
     */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private final Path modelDir;
        private int threads;
        private int defaultTopK = DEFAULT_TOP_K;
        private ApiKeys apiKeys = ApiKeys.none();
        private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxConcurrentInferences = Runtime.getRuntime().availableProcessors();
        private Duration queueTimeout = Duration.ofSeconds(5);
        private int rateLimitPerMinute = DEFAULT_RATE_LIMIT;
        private Path reloadRoot;
        private String gitSha;
        private int warmupRequests;

        private Builder(Path modelDir) {
            this.modelDir = modelDir;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder defaultTopK(int defaultTopK) {
            this.defaultTopK = defaultTopK;
            return this;
        }

        public Builder apiKeys(ApiKeys apiKeys) {
            this.apiKeys = apiKeys;
            return this;
        }

        public Builder maxUploadBytes(long maxUploadBytes) {
            this.maxUploadBytes = maxUploadBytes;
            return this;
        }

        public Builder maxBatchBytes(long maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        public Builder maxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder maxConcurrentInferences(int maxConcurrentInferences) {
            this.maxConcurrentInferences = maxConcurrentInferences;
            return this;
        }

        public Builder queueTimeout(Duration queueTimeout) {
            this.queueTimeout = queueTimeout;
            return this;
        }

        public Builder rateLimitPerMinute(int rateLimitPerMinute) {
            this.rateLimitPerMinute = rateLimitPerMinute;
            return this;
        }

        public Builder reloadRoot(Path reloadRoot) {
            this.reloadRoot = reloadRoot;
            return this;
        }

        public Builder gitSha(String gitSha) {
            this.gitSha = gitSha;
            return this;
        }

        public Builder warmupRequests(int warmupRequests) {
            this.warmupRequests = warmupRequests;
            return this;
        }

        public ServerSettings build() {
            return new ServerSettings(
                    port,
                    modelDir,
                    threads,
                    defaultTopK,
                    apiKeys,
                    maxUploadBytes,
                    maxBatchBytes,
                    MAX_BATCH_IMAGES,
                    maxPixels,
                    requestTimeout,
                    maxConcurrentInferences,
                    queueTimeout,
                    rateLimitPerMinute,
                    reloadRoot,
                    gitSha,
                    warmupRequests);
        }
    }
}
