package io.pillsnap.api.v1alpha1.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pillsnap.api.testing.RepoFiles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A criterion as a user writes it in a stage's YAML, read as the operator reads it. */
class SuccessCriterionTest {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @ParameterizedTest
    @CsvSource({
        "ece, <=",
        "latencyP95Ms, <=",
        "top1, >=",
        "coverage, >=",
        "answeredPrecision, >=",
        "unknownRejection, >=",
        "worstClassRecall, >=",
        "throughput, >="
    })
    void criterionWithoutOpComparesInTheDirectionWhereTheMetricIsBetter(String metric, String op) {
        SuccessCriterion criterion = read("{metric: " + metric + ", threshold: 0.05}");

        assertThat(criterion.op().symbol()).isEqualTo(op);
    }

    @ParameterizedTest
    @CsvSource({"ece, <", "top1, <=", "coverage, >"})
    void anOpTheUserWroteIsKept(String metric, String op) {
        SuccessCriterion criterion =
                read("{metric: " + metric + ", op: \"" + op + "\", threshold: 0.05}");

        assertThat(criterion.op().symbol()).isEqualTo(op);
        assertThat(criterion.toString()).isEqualTo(metric + " " + op + " 0.05");
    }

    private static SuccessCriterion read(String yaml) {
        return SERIALIZATION.convertValue(RepoFiles.readYaml(yaml), SuccessCriterion.class);
    }
}
