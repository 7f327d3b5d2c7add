package io.pillsnap.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.inference.RequestRejectedException;
import io.pillsnap.inference.testing.TrainedRun;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelRegistryTest {

    static TrainedRun run;

    @BeforeAll
    static void train() {
        run = TrainedRun.get();
    }

    @Test
    void aBadFolderAtStartLeavesTheServerUnreadyWithTheReason() throws IOException {
        Path copy = run.copyAs("registry-tampered");
        ManifestLoaderTest.flipOneByte(copy.resolve("classifier.onnx"));
        try (ModelRegistry registry = new ModelRegistry(new ManifestLoader(1))) {
            assertThat(registry.loadInitial(copy)).isEmpty();

            assertThat(registry.unreadyReason()).contains("classifier.onnx", "checksum mismatch");
            assertThatThrownBy(registry::lease)
                    .isInstanceOf(RequestRejectedException.class)
                    .hasMessageContaining("checksum mismatch");
        }
    }

    @Test
    void aFailedReloadKeepsTheServedModel() throws IOException {
        Path bad = run.copyAs("registry-bad-reload");
        ManifestLoaderTest.flipOneByte(bad.resolve("classifier.onnx"));
        try (ModelRegistry registry = new ModelRegistry(new ManifestLoader(1))) {
            registry.loadInitial(run.runDir());

            assertThatThrownBy(() -> registry.reload(bad)).isInstanceOf(ModelLoadException.class);

            assertThat(registry.require().version()).isEqualTo("tiny/first");
            assertThat(registry.unreadyReason()).isNull();
        }
    }

    @Test
    void aLeaseKeepsTheOldSessionOpenAcrossAReload() throws Exception {
        Path next = run.copyAs("registry-next");
        try (ModelRegistry registry = new ModelRegistry(new ManifestLoader(1))) {
            registry.loadInitial(run.runDir());
            try (LoadedModel.Lease lease = registry.lease()) {
                registry.reload(next);

                var scores = lease.model().classifier().classify(new float[3 * 48 * 48], 1, 1);
                assertThat(scores).hasSize(1);
                assertThat(lease.model().version()).isEqualTo("tiny/first");
            }
            assertThat(registry.require().version()).isEqualTo("tiny/registry-next");
        }
    }
}
