package io.pillsnap.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.PillsnapOperator;
import io.pillsnap.operator.config.OperatorConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Fabric8's CRUD mock API server with the committed CRD installed, the real operator running
 * against it, and helpers to read stages. One per test.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "pillsnap";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private PillsnapOperator operator;
    private PrometheusRegistry registry;

    public MockCluster(KubernetesMockServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
        CustomResourceDefinition crd =
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(RepoFiles.committedCrd().toFile())
                        .item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    /** Starts an operator process: its own client, its own metrics registry. */
    public MockCluster startOperator() {
        return startOperator(OperatorConfig.forTests());
    }

    public MockCluster startOperator(OperatorConfig config) {
        registry = new PrometheusRegistry();
        try {
            operator =
                    PillsnapOperator.start(
                            server.createClient(), config, registry, Clock.systemUTC());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public void stopOperator() {
        if (operator != null) {
            operator.close();
            operator = null;
        }
    }

    public KubernetesClient client() {
        return client;
    }

    public FakeKubelet kubelet() {
        return new FakeKubelet(client, NAMESPACE);
    }

    public PillsnapStage apply(PillsnapStage stage) {
        return client.resource(stage).inNamespace(NAMESPACE).create();
    }

    /** kubectl delete ps NAME (returns at once; finalizers may keep the stage a while). */
    public void delete(String name) {
        client.resources(PillsnapStage.class).inNamespace(NAMESPACE).withName(name).delete();
    }

    /**
     * Plays Kubernetes' garbage collector, which the mock API server does not have: deletes every
     * object whose owners are all gone, and drops owner references to objects that are gone from
     * the others. Repeats until nothing changes (pods go with their Jobs).
     */
    public void collectGarbage() {
        boolean changed = true;
        while (changed) {
            changed = false;
            java.util.Set<String> live = new java.util.HashSet<>();
            java.util.List<io.fabric8.kubernetes.api.model.HasMetadata> all =
                    new java.util.ArrayList<>();
            all.addAll(
                    client.resources(PillsnapStage.class).inNamespace(NAMESPACE).list().getItems());
            all.addAll(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems());
            all.addAll(client.pods().inNamespace(NAMESPACE).list().getItems());
            all.addAll(client.configMaps().inNamespace(NAMESPACE).list().getItems());
            all.addAll(client.apps().deployments().inNamespace(NAMESPACE).list().getItems());
            all.addAll(client.services().inNamespace(NAMESPACE).list().getItems());
            all.forEach(o -> live.add(o.getMetadata().getUid()));
            for (var object : all) {
                var owners = object.getMetadata().getOwnerReferences();
                if (owners == null || owners.isEmpty()) {
                    continue;
                }
                var alive = owners.stream().filter(o -> live.contains(o.getUid())).toList();
                if (alive.isEmpty()) {
                    client.resource(object).inNamespace(NAMESPACE).withGracePeriod(0).delete();
                    changed = true;
                } else if (alive.size() < owners.size()) {
                    object.getMetadata().setOwnerReferences(new java.util.ArrayList<>(alive));
                    client.resource(object).inNamespace(NAMESPACE).update();
                    changed = true;
                }
            }
        }
    }

    public PillsnapStage get(String name) {
        return client.resources(PillsnapStage.class).inNamespace(NAMESPACE).withName(name).get();
    }

    public PillsnapStage awaitStage(String name, Predicate<PillsnapStage> condition) {
        return awaitStage(name, condition, Duration.ofSeconds(20));
    }

    public PillsnapStage awaitStage(
            String name, Predicate<PillsnapStage> condition, Duration atMost) {
        try {
            await().atMost(atMost)
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> {
                                PillsnapStage stage = get(name);
                                return stage != null
                                        && stage.getStatus() != null
                                        && condition.test(stage);
                            });
        } catch (ConditionTimeoutException e) {
            PillsnapStage stage = get(name);
            throw new AssertionError(
                    "stage "
                            + name
                            + " did not reach the expected state within "
                            + atMost
                            + "; its status:\n"
                            + (stage == null
                                    ? "(no stage)"
                                    : Serialization.asYaml(stage.getStatus())),
                    e);
        }
        return get(name);
    }

    /** GET on the running operator's HTTP port. */
    public HttpResponse<String> http(String path) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://localhost:"
                                                            + operator.httpPort()
                                                            + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        stopOperator();
    }
}
