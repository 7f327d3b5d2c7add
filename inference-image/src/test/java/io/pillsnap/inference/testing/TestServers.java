package io.pillsnap.inference.testing;

import io.pillsnap.inference.auth.ApiKeys;
import io.pillsnap.inference.config.ServerSettings;
import java.nio.file.Path;
import java.util.List;

/** Server settings for tests: a free port, one API key, small limits, one thread. */
public final class TestServers {

    public static final String KEY = "test-key-0123456789";
    public static final long MAX_UPLOAD = 256 * 1024;

    private TestServers() {}

    public static ServerSettings.Builder settings(Path modelDir) {
        return ServerSettings.builder(modelDir)
                .port(0)
                .threads(1)
                .apiKeys(ApiKeys.of(List.of(KEY)))
                .maxUploadBytes(MAX_UPLOAD)
                .maxBatchBytes(4 * MAX_UPLOAD)
                .maxConcurrentInferences(2)
                .rateLimitPerMinute(0);
    }
}
