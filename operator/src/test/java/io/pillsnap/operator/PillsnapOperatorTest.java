package io.pillsnap.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.ConnectException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the operator's process ends when it cannot start: one line naming cause and fix. */
class PillsnapOperatorTest {

    @TempDir Path folder;

    @Test
    void withoutAClusterTheCauseNamesTheApiServerAndTheFix() {
        ConnectException unreachable = new ConnectException();
        unreachable.initCause(new UnresolvedAddressException());
        try (KubernetesClient client =
                new KubernetesClientBuilder()
                        .withConfig(
                                new ConfigBuilder()
                                        .withMasterUrl("https://kubernetes.default.svc/")
                                        .build())
                        .build()) {

            String cause =
                    PillsnapOperator.explainStartupFailure(
                            new KubernetesClientException("informer failed", unreachable), client);

            assertThat(cause)
                    .isEqualTo(
                            "cannot reach the Kubernetes API server at"
                                    + " https://kubernetes.default.svc/: run the operator in a"
                                    + " cluster, or point KUBECONFIG at one");
        }
    }

    @Test
    void theCauseIsTheContainersTerminationMessage() throws Exception {
        // kubelet mounts the file writable in every container: describe pod shows what is in it
        // (found by e2e/images.sh: the chart's pod ended with an empty message and stack traces)
        Path terminationLog = Files.createFile(folder.resolve("termination-log"));

        PillsnapOperator.writeTerminationMessage(terminationLog, "the operator could not start: x");

        assertThat(Files.readString(terminationLog)).isEqualTo("the operator could not start: x\n");
    }

    @Test
    void outsideAContainerNoTerminationMessageIsWritten() {
        Path absent = folder.resolve("no-such-dir/termination-log");

        PillsnapOperator.writeTerminationMessage(absent, "the operator could not start: x");

        assertThat(absent).doesNotExist();
    }
}
