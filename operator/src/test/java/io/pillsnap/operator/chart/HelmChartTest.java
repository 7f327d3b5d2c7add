package io.pillsnap.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.operator.config.OperatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

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

    @Test
    void lintsCleanWithDefaultAndCustomValues() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages())
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultValuesRenderTheOperatorWithClusterWideRights() {
        List<HasMetadata> objects = render(null);

        assertThat(kinds(objects))
                .containsExactlyInAnyOrder(
                        "ServiceAccount",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "Service",
                        "Deployment");
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
        assertThat(single(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(2);

        CustomResourceDefinition crd = single(objects, CustomResourceDefinition.class);
        CustomResourceDefinition committed =
                SERIALIZATION.unmarshal(
                        Files.readString(RepoFiles.committedCrd()), CustomResourceDefinition.class);
        assertThat(crd.getSpec()).isEqualTo(committed.getSpec());
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
    void rbacCoversWhatTheOperatorDoes() {
        Map<String, List<String>> granted = new HashMap<>();
        single(render(null), ClusterRole.class)
                .getRules()
                .forEach(
                        rule ->
                                rule.getResources()
                                        .forEach(
                                                r ->
                                                        granted.computeIfAbsent(
                                                                        r, k -> new ArrayList<>())
                                                                .addAll(rule.getVerbs())));

        assertThat(granted.get("pillsnapstages")).contains("get", "list", "watch");
        assertThat(granted.get("pillsnapstages/status")).contains("patch");
        assertThat(granted.get("jobs")).contains("create", "patch", "delete", "watch");
        assertThat(granted.get("configmaps")).contains("create", "patch", "watch");
        assertThat(granted.get("pods")).contains("list", "watch");
        assertThat(granted.get("deployments")).contains("create", "patch", "delete", "watch");
        assertThat(granted.get("services")).contains("create", "patch", "watch");
        assertThat(granted.get("events")).contains("create");
        assertThat(granted.get("secrets")).as("no access to Secrets").isNull();
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

    private static com.marcnuri.helm.TemplateCommand template() {
        return new Helm(CHART)
                .template()
                .withName("pillsnap-operator")
                .withNamespace("pillsnap-system")
                .withKubeVersion(KUBE_VERSION);
    }

    private static List<HasMetadata> render(Path values) {
        var command = template();
        if (values != null) {
            command.withValuesFile(values);
        }
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
