package io.pillsnap.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorConfigTest {

    @Test
    void defaultsWatchEveryNamespaceWithServerSideApply() {
        OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());

        assertThat(config.watchesAllNamespaces()).isTrue();
        assertThat(config.serverSideApply()).isTrue();
        assertThat(config.leaderElection()).isFalse();
        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.artifactsClaim()).isEqualTo("pillsnap-artifacts");
        assertThat(config.trainerImage()).startsWith("ghcr.io/pillsnap/pillsnap-trainer:");
    }

    @Test
    void kueueWorkloadsAreReadWhenTheClusterServesThemUnlessTold() {
        assertThat(OperatorConfig.fromEnvironment(Map.of()).kueueWorkloads()).isNull();
        assertThat(
                        OperatorConfig.fromEnvironment(Map.of("PILLSNAP_KUEUE_WORKLOADS", "false"))
                                .kueueWorkloads())
                .isFalse();
        assertThatThrownBy(
                        () ->
                                OperatorConfig.fromEnvironment(
                                        Map.of("PILLSNAP_KUEUE_WORKLOADS", "sometimes")))
                .hasMessage("PILLSNAP_KUEUE_WORKLOADS=sometimes is not auto, true or false");
    }

    @Test
    void resultReadsBackOffHalfAMinuteByDefault() {
        assertThat(OperatorConfig.fromEnvironment(Map.of()).resultReadBackoff())
                .isEqualTo(java.time.Duration.ofSeconds(30));
    }

    @Test
    void readsAListOfNamespaces() {
        OperatorConfig config =
                OperatorConfig.fromEnvironment(Map.of("WATCH_NAMESPACES", " team-a, team-b ,"));

        assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
    }

    @Test
    void badValuesNameTheVariableAndTheFix() {
        assertThatThrownBy(
                        () ->
                                OperatorConfig.fromEnvironment(
                                        Map.of("PILLSNAP_LEADER_ELECTION", "maybe")))
                .hasMessage("PILLSNAP_LEADER_ELECTION=maybe is not a boolean: use true or false");
        assertThatThrownBy(
                        () -> OperatorConfig.fromEnvironment(Map.of("PILLSNAP_HTTP_PORT", "70000")))
                .hasMessage("PILLSNAP_HTTP_PORT=70000 is outside 1..65535");
    }
}
