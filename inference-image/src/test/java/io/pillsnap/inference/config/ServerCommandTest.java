package io.pillsnap.inference.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerCommandTest {

    @Test
    void flagsBecomeSettingsWithTheOriginalDefaults() {
        ServerCommand command = new ServerCommand();
        picocli.CommandLine cli = new picocli.CommandLine(command);
        cli.parseArgs("--model-dir", "/models/stage1/run-7", "--request-timeout", "500ms");

        ServerSettings settings = command.settings();

        assertThat(settings.port()).isEqualTo(8000);
        assertThat(settings.maxUploadBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(settings.maxBatchImages()).isEqualTo(16);
        assertThat(settings.rateLimitPerMinute()).isEqualTo(60);
        assertThat(settings.defaultTopK()).isEqualTo(5);
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.reloadRoot()).isEqualTo(Path.of("/models/stage1"));
        assertThat(settings.maxConcurrentInferences()).isPositive();
    }

    @Test
    void durationsReadLikeKubernetesOnes() {
        var converter = new ServerCommand.DurationConverter();

        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert("PT1S")).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> converter.convert("30x")).hasMessageContaining("not a duration");
    }

    @Test
    void invalidSettingsNameTheSetting() {
        assertThatThrownBy(
                        () ->
                                ServerSettings.builder(Path.of("/models/x"))
                                        .maxConcurrentInferences(0)
                                        .build())
                .hasMessageContaining("max concurrent inferences must be >= 1");
    }
}
