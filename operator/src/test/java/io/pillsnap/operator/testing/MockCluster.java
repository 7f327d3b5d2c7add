package io.pillsnap.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Fabric8's CRUD mock API server behind an {@link ApiServer} (the guards a real API server has),
 * with the committed CRD installed, the real operator running against it with its own client and
 * identity, and helpers to read stages. One per test.
 */
public final class MockCluster implements AutoCloseable {

    public static final String NAMESPACE = "pillsnap";

    /** The bearer token each operator instance sends; a number tells the instances apart. */
    public static final String OPERATOR_IDENTITY = "pillsnap-operator-";

    private final KubernetesMockServer server;
    private final ApiServer api;
    private final RbacGuard rbac;
    private final KubernetesClient client;
    private final AtomicInteger instances = new AtomicInteger();
    private final List<String> informerFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    private java.time.Duration requestTimeout;
    private PillsnapOperator operator;
    private KubernetesClient operatorClient;
    private PrometheusRegistry registry;

    private MockCluster(KubernetesMockServer server, ApiServer api, RbacGuard rbac) {
        this.server = server;
        this.api = api;
        this.rbac = rbac;
        api.guard(rbac);
        this.client = server.createClient();
        CustomResourceDefinition crd =
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(RepoFiles.committedCrd().toFile())
                        .item();
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    }

    /** A new mock API server with the CRD installed; no operator runs yet. */
    public static MockCluster create() {
        return create(ChartRbac.rules());
    }

    /** As {@link #create()}, the operator's ServiceAccount granted {@code rules} only. */
    public static MockCluster create(List<PolicyRule> rules) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        ApiServer api = new ApiServer(responses);
        KubernetesMockServer server =
                new KubernetesMockServer(
                        new Context(Serialization.jsonMapper()),
                        new MockWebServer(),
                        responses,
                        api,
                        false);
        server.init();
        api.guard(new ObjectValidation());
        return new MockCluster(server, api, new RbacGuard(rules, api::stored));
    }

    /** Starts an operator process: its own client, its own metrics registry. */
    public MockCluster startOperator() {
        return startOperator(OperatorConfig.forTests());
    }

    public synchronized MockCluster startOperator(OperatorConfig config) {
        registry = new PrometheusRegistry();
        operatorClient = operatorClient(OPERATOR_IDENTITY + instances.incrementAndGet());
        int instance = instances.get();
        try {
            operator =
                    PillsnapOperator.start(
                            operatorClient,
                            config,
                            registry,
                            Clock.systemUTC(),
                            (informer, failure) -> {
                                if (failure != null && informer.hasSynced()) {
                                    restartAfterInformerFailure(
                                            instance, config, informer, failure);
                                }
                            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * In production an informer that stops on an error ends the operator's process and Kubernetes
     * starts it again; here the instance is stopped and a new one started, and the failure is
     * logged (Fabric8's mock server occasionally sends a watch frame that the JDK's WebSocket
     * client refuses as invalid UTF-8).
     */
    private void restartAfterInformerFailure(
            int instance, OperatorConfig config, Object informer, Throwable failure) {
        informerFailures.add(informer + ": " + failure);
        System.err.println(
                "operator instance "
                        + instance
                        + ": informer "
                        + informer
                        + " stopped on "
                        + failure
                        + "; restarting the operator as its pod would be");
        Thread restart =
                new Thread(
                        () -> {
                            synchronized (this) {
                                if (operator != null && instances.get() == instance) {
                                    stopOperator();
                                    startOperator(config);
                                }
                            }
                        },
                        "operator-restart");
        restart.setDaemon(true);
        restart.start();
    }

    /** Informers of the operator that stopped on an error (each restarted the operator). */
    public List<String> informerFailures() {
        return List.copyOf(informerFailures);
    }

    /** A client as the operator's ServiceAccount would have, known to the API server by name. */
    private KubernetesClient operatorClient(String identity) {
        return new KubernetesClientBuilder()
                .withConfig(
                        new ConfigBuilder(Config.empty())
                                .withMasterUrl(server.url("/"))
                                .withTrustCerts(true)
                                .withNamespace("test")
                                .withHttp2Disable(true)
                                .withOauthToken(identity)
                                // a request the API server fails with 5xx is retried, as in
                                // production, but 3 times instead of 10 to keep tests short
                                .withRequestRetryBackoffLimit(3)
                                .withRequestTimeout(
                                        requestTimeout == null
                                                ? 10_000
                                                : (int) requestTimeout.toMillis())
                                .build())
                .build();
    }

    /**
     * Makes the API server serve Kueue's Workloads (kueue.x-k8s.io/v1beta1) as a cluster with Kueue
     * installed does: its discovery, which the mock does not answer by itself.
     */
    public MockCluster withKueue() {
        var resources =
                new APIResourceListBuilder()
                        .withGroupVersion("kueue.x-k8s.io/v1beta1")
                        .addNewResource()
                        .withName("workloads")
                        .withSingularName("workload")
                        .withKind("Workload")
                        .withNamespaced(true)
                        .withVerbs("get", "list", "watch", "create", "update", "patch", "delete")
                        .endResource()
                        .build();
        for (String query : List.of("", "?timeout=32s")) {
            server.expect()
                    .get()
                    .withPath("/apis/kueue.x-k8s.io/v1beta1" + query)
                    .andReturn(200, resources)
                    .always();
        }
        return this;
    }

    /** How long the operator's client waits for an answer before it gives up (default 10 s). */
    public MockCluster withOperatorRequestTimeout(java.time.Duration timeout) {
        this.requestTimeout = timeout;
        return this;
    }

    /** The identity of the running operator instance, as its requests carry it. */
    public synchronized String operatorIdentity() {
        return OPERATOR_IDENTITY + instances.get();
    }

    public KubernetesMockServer server() {
        return server;
    }

    public ApiServer api() {
        return api;
    }

    public synchronized void stopOperator() {
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

    /** RBAC of the operator's ServiceAccount, from the chart's rules. */
    public RbacGuard rbac() {
        return rbac;
    }

    /**
     * Stops the operator and the API server; fails when the API server refused the operator a
     * request because the chart does not grant it.
     */
    @Override
    public void close() {
        stopOperator();
        client.close();
        server.destroy();
        if (!rbac.refusals().isEmpty()) {
            throw new AssertionError(
                    "the chart's RBAC refused the operator "
                            + rbac.refusals().size()
                            + " requests, e.g.:\n"
                            + String.join("\n", rbac.refusals().stream().limit(5).toList()));
        }
    }
}
