package io.pillsnap.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.InformerStoppedHandler;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.event.EventRecorder;
import io.pillsnap.operator.metrics.JosdkMetrics;
import io.pillsnap.operator.metrics.OperatorMetrics;
import io.pillsnap.operator.observe.KueueWorkloads;
import io.pillsnap.operator.reconciler.PillsnapStageReconciler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point: wires the reconciler into JOSDK and serves health and metrics endpoints. */
public final class PillsnapOperator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PillsnapOperator.class);

    /** Where Kubernetes reads a container's termination message (the container's default). */
    static final Path TERMINATION_LOG = Path.of("/dev/termination-log");

    private final Operator operator;
    private final OperatorHttpServer http;
    private final OperatorMetrics metrics;

    private PillsnapOperator(Operator operator, OperatorHttpServer http, OperatorMetrics metrics) {
        this.operator = operator;
        this.http = http;
        this.metrics = metrics;
    }

    public static void main(String[] args) throws Exception {
        OperatorConfig config;
        try {
            config = OperatorConfig.fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            exit(2, "invalid operator configuration: " + e.getMessage());
            return;
        }
        PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
        JvmMetrics.builder().register(registry);
        KubernetesClient client = new KubernetesClientBuilder().build();
        PillsnapOperator running;
        try {
            running = start(client, config, registry, Clock.systemUTC());
        } catch (RuntimeException e) {
            exit(1, "the operator could not start: " + explainStartupFailure(e, client));
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    running.close();
                                    stopped.countDown();
                                },
                                "shutdown"));
        log.info(
                "pillsnap operator started: namespaces {}, trainer image {}, http port {}",
                config.watchesAllNamespaces() ? "all" : config.watchNamespaces(),
                config.trainerImage(),
                running.httpPort());
        stopped.await();
    }

    /** Starts the controller and its HTTP endpoints (port 0 picks a free port). */
    public static PillsnapOperator start(
            KubernetesClient client,
            OperatorConfig requested,
            PrometheusRegistry registry,
            Clock clock)
            throws IOException {
        return start(client, requested, registry, clock, null);
    }

    /**
     * As {@link #start(KubernetesClient, OperatorConfig, PrometheusRegistry, Clock)}, with what to
     * do when an informer stops on an error: null for JOSDK's default, which ends the process (its
     * pod restarts); tests, which run operators inside their own JVM, record it instead.
     */
    public static PillsnapOperator start(
            KubernetesClient client,
            OperatorConfig requested,
            PrometheusRegistry registry,
            Clock clock,
            InformerStoppedHandler informerStopped)
            throws IOException {
        OperatorConfig config =
                requested.kueueWorkloads() != null
                        ? requested
                        : requested.toBuilder()
                                .kueueWorkloads(servesKueueWorkloads(client))
                                .build();
        OperatorMetrics metrics = new OperatorMetrics(registry);
        JosdkMetrics josdkMetrics = metrics.josdk();
        Operator operator =
                new Operator(
                        o -> {
                            o.withKubernetesClient(client)
                                    .withMetrics(josdkMetrics)
                                    .withConcurrentReconciliationThreads(config.reconcileThreads())
                                    .withUseSSAToPatchPrimaryResource(config.serverSideApply())
                                    .withSSABasedCreateUpdateMatchForDependentResources(
                                            config.serverSideApply())
                                    .withCloseClientOnStop(true);
                            if (informerStopped != null) {
                                o.withInformerStoppedHandler(informerStopped);
                            }
                            if (config.leaderElection()) {
                                o.withLeaderElectionConfiguration(
                                        new LeaderElectionConfiguration(
                                                config.leaseName(), config.leaseNamespace()));
                            }
                        });
        String instance =
                Objects.requireNonNullElse(System.getenv("POD_NAME"), "pillsnap-operator");
        PillsnapStageReconciler reconciler =
                new PillsnapStageReconciler(
                        config, metrics, new EventRecorder(client, instance), clock);
        operator.register(
                reconciler,
                overrider -> {
                    if (config.watchesAllNamespaces()) {
                        overrider.watchingAllNamespaces();
                    } else {
                        overrider.settingNamespaces(config.watchNamespaces());
                    }
                    overrider.withReconciliationMaxInterval(config.resyncInterval());
                });
        operator.start();
        OperatorHttpServer http = OperatorHttpServer.start(config.httpPort(), operator, registry);
        return new PillsnapOperator(operator, http, metrics);
    }

    /** Logs the cause and leaves it where kubectl describe pod shows a container's last words. */
    private static void exit(int code, String cause) {
        log.error(cause);
        writeTerminationMessage(TERMINATION_LOG, cause);
        System.exit(code);
    }

    /**
     * Writes {@code message} to the container's termination message file, which kubelet mounts
     * writable in every container (absent outside one: nothing is written).
     */
    static void writeTerminationMessage(Path file, String message) {
        if (!Files.isWritable(file)) {
            return;
        }
        try {
            Files.writeString(file, message + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot write the termination message to {}: {}", file, e.getMessage());
        }
    }

    /** Whether the cluster serves Kueue's Workloads (Kueue is installed). */
    static boolean servesKueueWorkloads(KubernetesClient client) {
        try {
            var resources =
                    client.getApiResources(KueueWorkloads.GROUP + "/" + KueueWorkloads.VERSION);
            boolean served =
                    resources != null
                            && resources.getResources().stream()
                                    .anyMatch(r -> "workloads".equals(r.getName()));
            log.info(
                    "Kueue's Workloads are {}",
                    served ? "served: queued trainer Jobs say why they wait" : "not served");
            return served;
        } catch (KubernetesClientException e) {
            log.info("Kueue's Workloads are not served ({})", e.getCode());
            return false;
        }
    }

    static String explainStartupFailure(Throwable failure, KubernetesClient client) {
        String apiServer = client.getConfiguration().getMasterUrl();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException k && k.getCode() == 404) {
                return "the PillsnapStage CRD is not installed on "
                        + apiServer
                        + ": install it with the Helm chart or kubectl apply -f"
                        + " crds/pillsnapstages.pillsnap.io-v1.yml";
            }
            if (cause instanceof KubernetesClientException k
                    && (k.getCode() == 401 || k.getCode() == 403)) {
                return "the API server "
                        + apiServer
                        + " refused the operator's credentials ("
                        + k.getCode()
                        + "): check its ServiceAccount and RBAC (the Helm chart creates both)";
            }
            if (cause instanceof java.net.ConnectException
                    || cause instanceof java.nio.channels.UnresolvedAddressException) {
                return "cannot reach the Kubernetes API server at "
                        + apiServer
                        + ": run the operator in a cluster, or point KUBECONFIG at one";
            }
        }
        return failure.getMessage();
    }

    public int httpPort() {
        return http.port();
    }

    public OperatorMetrics metrics() {
        return metrics;
    }

    /** Stops the controller; a new instance may start on the same client's cluster. */
    @Override
    public void close() {
        http.close();
        operator.stop();
    }
}
