package io.pillsnap.operator.images;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.desired.RunNames;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Fabric8's CRUD mock API server over HTTPS on 127.0.0.1 for the operator image: the committed CRD
 * installed, the stage created, then it waits until the operator has made the stage's trainer Job.
 */
@Command(
        name = "mock-api-server",
        mixinStandardHelpOptions = true,
        description = {
            "Serve Fabric8's CRUD mock API server over HTTPS on 127.0.0.1 with the PillsnapStage",
            "CRD and --stage applied; write a ServiceAccount folder (token, ca.crt: the server's",
            "self-signed certificate, namespace) and then the file port into --out; wait until a",
            "trainer Job for the stage exists and print it (exit 0), or give up after --timeout",
            "seconds (exit 1, with the stage's status)."
        })
final class MockApiServerCommand implements Callable<Integer> {

    /** Held so that its level stays: the mock server logs every request at INFO otherwise. */
    private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    @Option(names = "--stage", paramLabel = "FILE", required = true)
    Path stageFile;

    @Option(names = "--out", paramLabel = "DIR", required = true)
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        MOCK_SERVER_LOG.setLevel(Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server =
                new KubernetesMockServer(
                        new Context(Serialization.jsonMapper()),
                        new MockWebServer(),
                        responses,
                        new KubernetesMixedDispatcher(responses),
                        true);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        try (KubernetesClient client = server.createClient()) {
            CustomResourceDefinition crd =
                    client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .load(RepoFiles.committedCrd().toFile())
                            .item();
            client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
            PillsnapStage stage =
                    client.resources(PillsnapStage.class).load(stageFile.toFile()).item();
            String namespace = stage.getMetadata().getNamespace();
            client.resource(stage).create();

            Files.createDirectories(out);
            Files.copy(
                    Path.of(server.getSelfSignedCertificate().certificatePath()),
                    out.resolve("ca.crt"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(out.resolve("token"), "images-check");
            Files.writeString(out.resolve("namespace"), OperatorPods.RELEASE_NAMESPACE);
            // readable by the pod's user, as kubelet makes the token volume
            for (String file : List.of("ca.crt", "token", "namespace")) {
                Files.setPosixFilePermissions(
                        out.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.writeString(out.resolve("port"), Integer.toString(server.getPort()));
            System.out.printf(
                    "mock API server https://localhost:%d: CRD installed, stage %s/%s created%n",
                    server.getPort(), namespace, stage.getMetadata().getName());

            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (System.nanoTime() < deadline) {
                List<Job> jobs =
                        client.batch().v1().jobs().inNamespace(namespace).list().getItems();
                if (!jobs.isEmpty()) {
                    return report(client, jobs.get(0), namespace);
                }
                Thread.sleep(250);
            }
            PillsnapStage seen =
                    client.resources(PillsnapStage.class)
                            .inNamespace(namespace)
                            .withName(stage.getMetadata().getName())
                            .get();
            System.err.printf(
                    "no trainer Job within %d s; the stage's status: %s%n",
                    timeoutSeconds,
                    seen.getStatus() == null ? "(none: never reconciled)" : seen.getStatus());
            return 1;
        } finally {
            server.destroy();
        }
    }

    private int report(KubernetesClient client, Job job, String namespace) throws Exception {
        var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        System.out.printf(
                "trainer Job %s created: image %s, args %s%n",
                job.getMetadata().getName(), container.getImage(), container.getArgs());
        Files.writeString(out.resolve("job.yaml"), Serialization.asYaml(job));
        String configMap =
                job.getSpec().getTemplate().getSpec().getVolumes().stream()
                        .filter(v -> v.getConfigMap() != null)
                        .map(v -> v.getConfigMap().getName())
                        .findFirst()
                        .orElseThrow();
        var made = client.configMaps().inNamespace(namespace).withName(configMap).get();
        if (made == null || !made.getData().containsKey(RunNames.STAGE_FILE)) {
            System.err.println(
                    "the Job's ConfigMap "
                            + configMap
                            + " was not made with "
                            + RunNames.STAGE_FILE);
            return 1;
        }
        System.out.printf("ConfigMap %s holds %s%n", configMap, RunNames.STAGE_FILE);
        return 0;
    }
}
