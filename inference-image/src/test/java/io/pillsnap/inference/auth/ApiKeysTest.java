package io.pillsnap.inference.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @TempDir Path folder;

    @Test
    void readsKeysFromTheSecretFileAndTheEnvironment() throws IOException {
        Path file = folder.resolve("api-keys");
        Files.writeString(file, "# clients\nalpha-key-000000\n\n  beta-key-1111111  \n");

        ApiKeys keys = ApiKeys.load(file, true, "gamma-key-2222222, delta-key-333333");

        assertThat(keys.size()).isEqualTo(4);
        assertThat(keys.accepts("beta-key-1111111")).isTrue();
        assertThat(keys.accepts("delta-key-333333")).isTrue();
        assertThat(keys.accepts("# clients")).isFalse();
        assertThat(keys.accepts("alpha")).isFalse();
        assertThat(keys.accepts(null)).isFalse();
    }

    @Test
    void noKeysMeansAuthenticationIsOff() {
        ApiKeys keys = ApiKeys.load(folder.resolve("absent"), false, null);

        assertThat(keys.enabled()).isFalse();
    }

    @Test
    void aKeyFileNamedExplicitlyMustExist() {
        assertThatThrownBy(() -> ApiKeys.load(folder.resolve("absent"), true, null))
                .hasMessageContaining("cannot read the API key file");
    }

    @Test
    void logsShowAtMostTheFirstFourCharacters() {
        assertThat(ApiKeys.mask("abcd-efgh-ijkl-mnop")).isEqualTo("abcd****");
        assertThat(ApiKeys.mask("short")).isEqualTo("****");
        assertThat(ApiKeys.mask(null)).isEqualTo("-");
        assertThat(ApiKeys.of(List.of(" ", "")).enabled()).isFalse();
    }
}
