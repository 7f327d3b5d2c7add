package io.pillsnap.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.TrainerJobFactory;
import io.pillsnap.operator.desired.TrainerLabels;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart through the real Helm engine (helm-java): it lints, renders with default and
 * custom values, and what it renders parses as Kubernetes objects that are safe to run.
 */
class HelmChartTest {

    private static final Path CHART = RepoFiles.root().resolve("helm/pillsnap-operator");
    private static final Path CUSTOM_VALUES =
            Path.of("src/test/resources/chart/custom-values.yaml").toAbsolutePath();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** Helm templates for Kubernetes 1.20 unless told; the chart needs 1.26 or newer. */
    private static final String KUBE_VERSION = "1.31.0";

    private static final String RELEASE_NAMESPACE = "pillsnap-system";

    /**
     * Every verb the operator calls, by resource[.group]; the chart must grant these and no more.
     */
    private static final Map<String, Set<String>> OPERATOR_VERBS =
            Map.ofEntries(
                    Map.entry(
                            "pillsnapstages.pillsnap.io", Set.of("get", "list", "watch", "patch")),
                    Map.entry(
                            "pillsnapstages/status.pillsnap.io", Set.of("get", "patch", "update")),
                    Map.entry("pillsnapstages/finalizers.pillsnap.io", Set.of("update")),
                    Map.entry(
                            "jobs.batch",
                            Set.of("get", "list", "watch", "create", "patch", "delete")),
                    Map.entry("configmaps", Set.of("get", "list", "watch", "create", "patch")),
                    Map.entry("pods", Set.of("get", "list", "watch")),
                    Map.entry(
                            "services",
                            Set.of("get", "list", "watch", "create", "patch", "delete")),
                    Map.entry(
                            "deployments.apps",
                            Set.of("get", "list", "watch", "create", "update", "patch", "delete")),
                    Map.entry(
                            "horizontalpodautoscalers.autoscaling",
                            Set.of("list", "watch", "create", "update", "patch", "delete")),
                    Map.entry(
                            "poddisruptionbudgets.policy",
                            Set.of("list", "watch", "create", "update", "patch", "delete")),
                    Map.entry("events", Set.of("list", "watch", "create", "patch")),
                    Map.entry("workloads.kueue.x-k8s.io", Set.of("list", "watch")));

    private static final String LEASES = "leases.coordination.k8s.io";

    private static final Comparator<Number> BY_NUMERIC_VALUE =
            Comparator.comparing(n -> new BigDecimal(n.toString()));

    @TempDir Path valuesDir;

    @Test
    void lintsCleanWithDefaultAndCustomValues() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages())
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultValuesRenderTheOperatorWithClusterWideRights() {
        List<HasMetadata> objects = render(template());

        assertThat(kinds(objects))
                .containsExactlyInAnyOrder(
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "Service",
                        "Deployment",
                        "NetworkPolicy");
        Deployment deployment = single(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("pillsnap-operator");
        OperatorConfig config = operatorConfig(deployment);
        assertThat(config.watchesAllNamespaces()).isTrue();
        assertThat(config.trainerImage()).isEqualTo("ghcr.io/pillsnap/pillsnap-trainer:0.1.0");
        assertThat(config.inferenceImage()).isEqualTo("ghcr.io/pillsnap/pillsnap-inference:0.1.0");
        assertThat(config.serverSideApply()).isTrue();
        assertThat(config.leaderElection()).isFalse();
    }

    @Test
    void customValuesRenderNamespacedRightsLeaderElectionServiceMonitorAndTheCrd()
            throws IOException {
        List<HasMetadata> objects = render(CUSTOM_VALUES);

        assertThat(kinds(objects))
                .contains(
                        "ServiceAccount",
                        "ClusterRole",
                        "RoleBinding",
                        "Role",
                        "Service",
                        "Deployment",
                        "ServiceMonitor",
                        "CustomResourceDefinition")
                .doesNotContain("ClusterRoleBinding");
        assertThat(of(objects, RoleBinding.class))
                .extracting(b -> b.getMetadata().getNamespace())
                .contains("team-a", "team-b");
        OperatorConfig config = operatorConfig(single(objects, Deployment.class));
        assertThat(config.watchNamespaces()).containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(config.leaderElection()).isTrue();
        assertThat(config.imagePullSecrets()).containsExactly("registry-a", "registry-b");
        assertThat(config.trainerImage()).isEqualTo("registry.example.com/trainer:1.2.3-cpu");
        assertThat(config.progressPollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.resultWait()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.finishedJobRetention()).isEqualTo(Duration.ofHours(1));
        assertThat(single(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(2);

        CustomResourceDefinition crd = single(objects, CustomResourceDefinition.class);
        CustomResourceDefinition committed =
                SERIALIZATION.unmarshal(
                        Files.readString(RepoFiles.committedCrd()), CustomResourceDefinition.class);
        // Helm's YAML round trip writes a default of 1.0 as 1: the same JSON number
        assertThat(SERIALIZATION.convertValue(crd.getSpec(), Object.class))
                .usingRecursiveComparison()
                .withComparatorForType(BY_NUMERIC_VALUE, Number.class)
                .isEqualTo(SERIALIZATION.convertValue(committed.getSpec(), Object.class));
        assertThat(crd.getMetadata().getAnnotations())
                .containsEntry("helm.sh/resource-policy", "keep");
    }

    @Test
    void rbacGrantsNoWildcards() {
        for (Path values : Stream.of((Path) null, CUSTOM_VALUES).toList()) {
            List<PolicyRule> rules = new ArrayList<>();
            List<HasMetadata> objects = render(values);
            of(objects, ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
            of(objects, Role.class).forEach(r -> rules.addAll(r.getRules()));

            assertThat(rules).isNotEmpty();
            assertThat(rules)
                    .allSatisfy(
                            rule -> {
                                assertThat(rule.getVerbs()).doesNotContain("*");
                                assertThat(rule.getResources()).doesNotContain("*");
                                assertThat(rule.getApiGroups()).doesNotContain("*");
                            });
        }
    }

    @Test
    void rbacGrantsExactlyTheVerbsTheOperatorCalls() {
        assertThat(grantedVerbs(render(template())))
                .as("cluster-wide, no leader election")
                .containsExactlyInAnyOrderEntriesOf(OPERATOR_VERBS);

        Map<String, Set<String>> withLeaderElection = new HashMap<>(OPERATOR_VERBS);
        withLeaderElection.put(LEASES, Set.of("get", "create", "update"));
        assertThat(grantedVerbs(render(CUSTOM_VALUES)))
                .as("watched namespaces, leader election")
                .containsExactlyInAnyOrderEntriesOf(withLeaderElection);
    }

    @Test
    void leasesAreGrantedOnlyInTheOperatorsOwnNamespace() {
        assertThat(of(render(CUSTOM_VALUES), Role.class))
                .singleElement()
                .satisfies(
                        role -> {
                            assertThat(role.getMetadata().getNamespace())
                                    .isEqualTo(RELEASE_NAMESPACE);
                            assertThat(grantedVerbs(List.of(role))).containsOnlyKeys(LEASES);
                        });
    }

    @Test
    void withoutLeaderElectionAnUpgradeStopsTheOldOperatorBeforeStartingTheNew() {
        DeploymentStrategy strategy =
                single(render(template()), Deployment.class).getSpec().getStrategy();

        assertThat(strategy.getType()).isEqualTo("Recreate");
        assertThat(strategy.getRollingUpdate()).isNull();
    }

    @Test
    void withLeaderElectionAnUpgradeStartsTheNewOperatorBeforeStoppingTheOld() {
        DeploymentStrategy strategy =
                single(render(template().set("leaderElection.enabled", true)), Deployment.class)
                        .getSpec()
                        .getStrategy();

        assertThat(strategy.getType()).isEqualTo("RollingUpdate");
        assertThat(strategy.getRollingUpdate().getMaxUnavailable()).isEqualTo(new IntOrString(0));
        assertThat(strategy.getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString(1));
    }

    @Test
    void operatorPolicyAdmitsOnlyMetricsScrapersToItsHttpPort() {
        List<HasMetadata> objects = render(template());
        Deployment deployment = single(objects, Deployment.class);

        NetworkPolicy policy = single(objects, NetworkPolicy.class);
        assertThat(policy.getMetadata().getNamespace()).isEqualTo(RELEASE_NAMESPACE);
        assertThat(policy.getSpec().getPodSelector()).isEqualTo(deployment.getSpec().getSelector());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress())
                .singleElement()
                .satisfies(
                        rule -> {
                            assertThat(rule.getFrom()).containsExactly(prometheusPods());
                            assertThat(rule.getPorts())
                                    .containsExactly(tcp(operatorConfig(deployment).httpPort()));
                        });
    }

    @Test
    void trainerPolicyAdmitsTheOperatorAndScrapersToTheProgressPortInEveryWatchedNamespace() {
        List<HasMetadata> objects = render(CUSTOM_VALUES);
        Deployment operator = single(objects, Deployment.class);

        List<NetworkPolicy> trainerPolicies = trainerPolicies(objects);
        assertThat(trainerPolicies)
                .extracting(p -> p.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b");
        assertThat(trainerPolicies)
                .allSatisfy(
                        policy -> {
                            Map<String, String> selector =
                                    policy.getSpec().getPodSelector().getMatchLabels();
                            assertThat(selector)
                                    .containsOnly(
                                            Map.entry(
                                                    ApiConstants.LABEL_COMPONENT,
                                                    TrainerLabels.COMPONENT),
                                            Map.entry(
                                                    ApiConstants.LABEL_MANAGED_BY,
                                                    ApiConstants.MANAGED_BY));
                            assertThat(TrainerLabels.forAttempt("stage1", 1, 1))
                                    .containsAllEntriesOf(selector);
                            assertThat(policy.getSpec().getPolicyTypes())
                                    .containsExactly("Ingress");
                            NetworkPolicyIngressRule rule = single(policy.getSpec().getIngress());
                            assertThat(rule.getPorts())
                                    .containsExactly(tcp(TrainerJobFactory.PROGRESS_PORT));
                            assertThat(rule.getFrom())
                                    .containsExactly(operatorPods(operator), prometheusPods());
                        });
    }

    @Test
    void watchingAllNamespacesPutsTheTrainerPolicyIntoTheListedTrainerNamespaces() {
        assertThat(trainerPolicies(render(template()))).as("no namespace known").isEmpty();

        List<HasMetadata> objects =
                render(
                        template()
                                .set("networkPolicy.trainerNamespaces[0]", "ml-a")
                                .set("networkPolicy.trainerNamespaces[1]", "ml-b"));

        assertThat(trainerPolicies(objects))
                .extracting(p -> p.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("ml-a", "ml-b");
    }

    @Test
    void metricsFromNamesWhoMayScrapeTheOperatorAndTrainers() throws IOException {
        Path values =
                values(
                        """
                        watchNamespaces: [team-a]
                        networkPolicy:
                          metricsFrom:
                            - namespaceSelector:
                                matchLabels:
                                  kubernetes.io/metadata.name: monitoring
                              podSelector:
                                matchLabels:
                                  app.kubernetes.io/name: prometheus
                        """);
        List<HasMetadata> objects = render(template().withValuesFile(values));
        NetworkPolicyPeer monitoring =
                new NetworkPolicyPeerBuilder()
                        .withNewNamespaceSelector()
                        .addToMatchLabels("kubernetes.io/metadata.name", "monitoring")
                        .endNamespaceSelector()
                        .withNewPodSelector()
                        .addToMatchLabels("app.kubernetes.io/name", "prometheus")
                        .endPodSelector()
                        .build();

        assertThat(single(operatorPolicies(objects)).getSpec().getIngress())
                .flatExtracting(NetworkPolicyIngressRule::getFrom)
                .containsExactly(monitoring);
        assertThat(single(trainerPolicies(objects)).getSpec().getIngress())
                .flatExtracting(NetworkPolicyIngressRule::getFrom)
                .containsExactly(operatorPods(single(objects, Deployment.class)), monitoring);
    }

    @Test
    void emptyMetricsFromAdmitsNobodyButTheOperatorRatherThanEveryone() throws IOException {
        Path values =
                values(
                        """
                        watchNamespaces: [team-a]
                        networkPolicy:
                          metricsFrom: []
                        """);
        List<HasMetadata> objects = render(template().withValuesFile(values));

        assertThat(single(operatorPolicies(objects)).getSpec().getIngress()).isEmpty();
        assertThat(single(trainerPolicies(objects)).getSpec().getIngress())
                .flatExtracting(NetworkPolicyIngressRule::getFrom)
                .containsExactly(operatorPods(single(objects, Deployment.class)));
    }

    @Test
    void networkPoliciesCanBeTurnedOff() {
        for (TemplateCommand command :
                List.of(template(), template().withValuesFile(CUSTOM_VALUES))) {
            assertThat(kinds(render(command.set("networkPolicy.enabled", false))))
                    .doesNotContain("NetworkPolicy");
        }
    }

    @Test
    void everyContainerRunsAsNonRootWithAReadOnlyRootFilesystem() {
        for (Path values : Stream.of((Path) null, CUSTOM_VALUES).toList()) {
            for (Deployment deployment : of(render(values), Deployment.class)) {
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
                assertThat(pod.getSecurityContext().getSeccompProfile().getType())
                        .isEqualTo("RuntimeDefault");
                assertThat(pod.getContainers())
                        .allSatisfy(
                                c -> {
                                    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem())
                                            .isTrue();
                                    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
                                    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation())
                                            .isFalse();
                                    assertThat(c.getSecurityContext().getCapabilities().getDrop())
                                            .containsExactly("ALL");
                                    assertThat(c.getLivenessProbe()).isNotNull();
                                    assertThat(c.getReadinessProbe()).isNotNull();
                                    assertThat(c.getResources().getLimits()).containsKey("memory");
                                });
            }
        }
    }

    @Test
    void showCrdsGivesTheCommittedCrd() throws IOException {
        String crds = Helm.show(CHART.toString()).crds().call();

        assertThat(SERIALIZATION.unmarshal(crds, CustomResourceDefinition.class).getSpec())
                .isEqualTo(
                        SERIALIZATION
                                .unmarshal(
                                        Files.readString(RepoFiles.committedCrd()),
                                        CustomResourceDefinition.class)
                                .getSpec());
    }

    @Test
    void clustersOlderThanJobPodFailurePoliciesAreRefused() {
        assertThatThrownBy(() -> template().withKubeVersion("1.25.0").call())
                .hasMessageContaining("kubeVersion: >=1.26.0-0");
    }

    @Test
    void badValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> template().set("replicaCount", "two").call())
                .hasMessageContaining("/replicaCount");
        assertThatThrownBy(() -> template().set("logging.format", "xml").call())
                .hasMessageContaining("/logging/format");
        assertThatThrownBy(() -> template().set("replicaCount", 2).call())
                .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled=true");
    }

    @Test
    void badNetworkPolicyValuesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> template().set("networkPolicy.enabled", "yes").call())
                .hasMessageContaining("/networkPolicy/enabled");
        assertThatThrownBy(() -> template().set("networkPolicy.metricsFrom", "prometheus").call())
                .hasMessageContaining("/networkPolicy/metricsFrom");
        assertThatThrownBy(
                        () -> template().set("networkPolicy.trainerNamespaces[0]", "Team_A").call())
                .hasMessageContaining("/networkPolicy/trainerNamespaces/0");
        assertThatThrownBy(
                        () ->
                                template()
                                        .withValuesFile(
                                                values(
                                                        """
                                                        networkPolicy:
                                                          metricsFrom:
                                                            - podSelectr:
                                                                matchLabels: {app: prometheus}
                                                        """))
                                        .call())
                .as("a misspelt peer field would otherwise admit everyone")
                .hasMessageContaining("/networkPolicy/metricsFrom/0");
        assertThatThrownBy(
                        () ->
                                template()
                                        .withValuesFile(
                                                values(
                                                        """
                                                        networkPolicy:
                                                          metricsFrom:
                                                            - ipBlock: {cidr: 10.0.0.0/8}
                                                              podSelector: {}
                                                        """))
                                        .call())
                .as("an ipBlock peer stands alone")
                .hasMessageContaining("/networkPolicy/metricsFrom/0");
        assertThatThrownBy(
                        () ->
                                template()
                                        .withValuesFile(CUSTOM_VALUES)
                                        .set("networkPolicy.trainerNamespaces[0]", "ml-a")
                                        .call())
                .hasMessageContaining("networkPolicy.trainerNamespaces is for watchNamespaces: []");
    }

    private static TemplateCommand template() {
        return new Helm(CHART)
                .template()
                .withName("pillsnap-operator")
                .withNamespace(RELEASE_NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
    }

    /** A values file holding {@code yaml}. */
    private Path values(String yaml) throws IOException {
        return Files.writeString(Files.createTempFile(valuesDir, "values", ".yaml"), yaml);
    }

    private static List<HasMetadata> render(Path values) {
        var command = template();
        if (values != null) {
            command.withValuesFile(values);
        }
        return render(command);
    }

    private static List<HasMetadata> render(TemplateCommand command) {
        String manifest = command.call();
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : manifest.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            assertThat(parsed)
                    .as("rendered document:%n%s", document)
                    .isInstanceOf(HasMetadata.class);
            objects.add((HasMetadata) parsed);
        }
        return objects;
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static <T extends HasMetadata> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T single(List<HasMetadata> objects, Class<T> type) {
        List<T> matching = of(objects, type);
        assertThat(matching).as("rendered %s objects", type.getSimpleName()).hasSize(1);
        return matching.get(0);
    }

    private static <T> T single(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }

    /** Verbs granted by the rendered ClusterRoles and Roles, by resource[.group]. */
    private static Map<String, Set<String>> grantedVerbs(List<? extends HasMetadata> objects) {
        List<PolicyRule> rules = new ArrayList<>();
        of(List.copyOf(objects), ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));
        of(List.copyOf(objects), Role.class).forEach(r -> rules.addAll(r.getRules()));
        Map<String, Set<String>> granted = new HashMap<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    String key = group.isEmpty() ? resource : resource + "." + group;
                    granted.computeIfAbsent(key, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return granted;
    }

    private static List<NetworkPolicy> operatorPolicies(List<HasMetadata> objects) {
        return policiesOf(objects, "operator");
    }

    private static List<NetworkPolicy> trainerPolicies(List<HasMetadata> objects) {
        return policiesOf(objects, TrainerLabels.COMPONENT);
    }

    private static List<NetworkPolicy> policiesOf(List<HasMetadata> objects, String component) {
        return of(objects, NetworkPolicy.class).stream()
                .filter(
                        p ->
                                component.equals(
                                        p.getMetadata()
                                                .getLabels()
                                                .get(ApiConstants.LABEL_COMPONENT)))
                .toList();
    }

    /** The default metricsFrom: Prometheus pods in any namespace. */
    private static NetworkPolicyPeer prometheusPods() {
        return new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector()
                .endNamespaceSelector()
                .withNewPodSelector()
                .addToMatchLabels("app.kubernetes.io/name", "prometheus")
                .endPodSelector()
                .build();
    }

    /** The operator's pods, in the release namespace only. */
    private static NetworkPolicyPeer operatorPods(Deployment operator) {
        return new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", RELEASE_NAMESPACE)
                .endNamespaceSelector()
                .withPodSelector(operator.getSpec().getSelector())
                .build();
    }

    private static NetworkPolicyPort tcp(int port) {
        NetworkPolicyPort policyPort = new NetworkPolicyPort();
        policyPort.setPort(new IntOrString(port));
        policyPort.setProtocol("TCP");
        return policyPort;
    }

    /** The settings the operator would read from the rendered Deployment's environment. */
    private static OperatorConfig operatorConfig(Deployment deployment) {
        Map<String, String> env = new HashMap<>();
        for (EnvVar var :
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        return OperatorConfig.fromEnvironment(env);
    }
}
