package io.pillsnap.operator.reconciler;

import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.operator.testing.MockCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl against the mock API server, as a user types it. */
final class Kubectl {

    private Kubectl() {}

    static boolean installed() {
        String path = System.getenv().getOrDefault("PATH", "");
        return java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")));
    }

    /** API discovery for the CRD, which the mock server does not serve by itself. */
    static void serveDiscovery(KubernetesMockServer server) {
        var groups =
                new APIGroupListBuilder()
                        .addNewGroup()
                        .withName(ApiConstants.GROUP)
                        .addNewVersion()
                        .withGroupVersion(ApiConstants.GROUP + "/" + ApiConstants.VERSION)
                        .withVersion(ApiConstants.VERSION)
                        .endVersion()
                        .withNewPreferredVersion()
                        .withGroupVersion(ApiConstants.GROUP + "/" + ApiConstants.VERSION)
                        .withVersion(ApiConstants.VERSION)
                        .endPreferredVersion()
                        .endGroup()
                        .build();
        var resources =
                new APIResourceListBuilder()
                        .withGroupVersion(ApiConstants.GROUP + "/" + ApiConstants.VERSION)
                        .addNewResource()
                        .withName("pillsnapstages")
                        .withSingularName("pillsnapstage")
                        .withKind("PillsnapStage")
                        .withNamespaced(true)
                        .withShortNames(ApiConstants.SHORT_NAME)
                        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete")
                        .endResource()
                        .build();
        for (String query : List.of("", "?timeout=32s")) {
            server.expect().get().withPath("/apis" + query).andReturn(200, groups).always();
            server.expect()
                    .get()
                    .withPath("/apis/" + ApiConstants.GROUP + "/" + ApiConstants.VERSION + query)
                    .andReturn(200, resources)
                    .always();
        }
    }

    static String run(KubernetesClient client, String... args) {
        try {
            Path config = Files.createTempFile("kubeconfig", ".yaml");
            Files.writeString(
                    config,
                    """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster:
                        server: %s
                        insecure-skip-tls-verify: true
                    contexts:
                    - name: mock
                      context: {cluster: mock, user: test, namespace: %s}
                    current-context: mock
                    users:
                    - name: test
                      user: {token: test}
                    """
                            .formatted(client.getMasterUrl(), MockCluster.NAMESPACE));
            List<String> command =
                    new ArrayList<>(List.of("kubectl", "--kubeconfig", config.toString()));
            command.addAll(List.of(args));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("kubectl " + String.join(" ", args) + " timed out");
            }
            String out =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Files.deleteIfExists(config);
            if (process.exitValue() != 0) {
                throw new AssertionError("kubectl " + String.join(" ", args) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run kubectl: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
