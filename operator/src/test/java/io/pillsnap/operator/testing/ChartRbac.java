package io.pillsnap.operator.testing;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pillsnap.api.testing.RepoFiles;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules the Helm chart grants the operator's ServiceAccount, rendered by the real Helm engine
 * (helm-java) with the chart's default values: its ClusterRole (bound cluster-wide, or per watched
 * namespace) and its Roles. Rendered once per test JVM.
 */
public final class ChartRbac {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static List<PolicyRule> rules;

    private ChartRbac() {}

    public static synchronized List<PolicyRule> rules() {
        if (rules == null) {
            rules = List.copyOf(render());
        }
        return rules;
    }

    private static List<PolicyRule> render() {
        String manifest =
                new Helm(RepoFiles.root().resolve("helm/pillsnap-operator"))
                        .template()
                        .withName("pillsnap-operator")
                        .withNamespace("pillsnap-system")
                        .withKubeVersion("1.31.0")
                        .call();
        List<PolicyRule> granted = new ArrayList<>();
        for (String document : manifest.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (parsed instanceof ClusterRole role) {
                granted.addAll(role.getRules());
            } else if (parsed instanceof Role role) {
                granted.addAll(role.getRules());
            } else if (!(parsed instanceof HasMetadata)) {
                throw new IllegalStateException("not an object:\n" + document);
            }
        }
        return granted;
    }
}
