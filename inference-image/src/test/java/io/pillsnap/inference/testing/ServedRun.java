package io.pillsnap.inference.testing;

import io.pillsnap.inference.InferenceServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared trained run, served on a free port for one test class, with a client holding the test
 * key: {@code @RegisterExtension static final ServedRun served = new ServedRun();}
 */
public final class ServedRun implements BeforeAllCallback, AfterAllCallback {

    private TrainedRun run;
    private InferenceServer server;
    private TestClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        run = TrainedRun.get();
        server = InferenceServer.start(TestServers.settings(run.runDir()).build());
        client = new TestClient(server.port(), TestServers.KEY);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
    }

    public TrainedRun run() {
        return run;
    }

    public InferenceServer server() {
        return server;
    }

    public TestClient client() {
        return client;
    }
}
