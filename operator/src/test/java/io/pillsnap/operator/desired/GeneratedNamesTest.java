package io.pillsnap.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.testing.TestStages;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The names and label values the operator makes from a stage's name: each fits Kubernetes' limits
 * whatever the stage's name, keeps what tells runs and stages apart, and never changes for a given
 * stage and run.
 */
class GeneratedNamesTest {

    private static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    private static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

    @Test
    void eachRunOfALongNamedStageHasItsOwnDeployment() {
        String stage = "a".repeat(55);

        String first = ServingNames.deploymentName(stage + "/r1-0a1b2c3d");
        String second = ServingNames.deploymentName(stage + "/r2-0a1b2c3d");

        assertThat(first).isNotEqualTo(second);
        assertThat(ServingNames.versionLabel(stage + "/r1-0a1b2c3d"))
                .isNotEqualTo(ServingNames.versionLabel(stage + "/r2-0a1b2c3d"));
    }

    @Test
    void stagesThatShareALongPrefixGetNamesOfTheirOwn() {
        String prefix = "pill-identification-stage-four-production-tenant-";
        String one = prefix + "team-a";
        String other = prefix + "team-b";

        assertThat(ServingNames.deploymentName(one + "/r1-0a1b2c3d"))
                .isNotEqualTo(ServingNames.deploymentName(other + "/r1-0a1b2c3d"));
        assertThat(ServingNames.versionLabel(one + "/r1-0a1b2c3d"))
                .isNotEqualTo(ServingNames.versionLabel(other + "/r1-0a1b2c3d"));
        assertThat(RunNames.jobName(one, "r1-0a1b2c3d", 1))
                .isNotEqualTo(RunNames.jobName(other, "r1-0a1b2c3d", 1));
    }

    @Test
    void everyNameAndLabelValueFitsWhateverTheStagesLength() {
        for (int length : List.of(1, 20, 40, 47, 50, 52, 55, 60, 63)) {
            PillsnapStage stage = stage(length);
            String name = stage.getMetadata().getName();
            String runId = "r12-0a1b2c3d";
            String version = name + "/" + runId;
            List<String> names =
                    List.of(
                            RunNames.jobName(name, runId, 12),
                            RunNames.configMapName(name, runId),
                            RunNames.resultReaderName(name, runId, 12),
                            ServingNames.deploymentName(version));
            assertThat(names)
                    .as("names for a stage of %d characters", length)
                    .allSatisfy(n -> assertThat(n).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL));
            Map<String, String> labels = new HashMap<>();
            labels.putAll(TrainerLabels.forAttempt(name, 12, 12));
            labels.putAll(TrainerLabels.forResultReader(name, 12, 12));
            labels.putAll(ServingNames.labels(stage, version));
            labels.putAll(ServingNames.selector(version));
            assertThat(labels.values())
                    .as("label values for a stage of %d characters", length)
                    .allSatisfy(
                            v -> assertThat(v).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE));
        }
    }

    @Test
    void shortNamesAreKeptWholeAndLongOnesAreHashedTheSameWayEveryTime() {
        assertThat(RunNames.jobName("stage1", "r1-0a1b2c3d", 1)).isEqualTo("stage1-r1-0a1b2c3d-a1");
        assertThat(ServingNames.deploymentName("stage1/r1-0a1b2c3d"))
                .isEqualTo("stage1-r1-0a1b2c3d");

        assertThat(
                        ServingNames.deploymentName(
                                "pill-identification-stage-four-production-serving-canary"
                                        + "/r2-3f2a9c1d"))
                .as("the example of docs/stage-lifecycle.md#names")
                .isEqualTo("pill-identification-stage-four-production-se-ad98b3-r2-3f2a9c1d");

        String stage = "b".repeat(60);
        assertThat(ServingNames.deploymentName(stage + "/r1-0a1b2c3d"))
                .isEqualTo(ServingNames.deploymentName(stage + "/r1-0a1b2c3d"))
                .endsWith("-r1-0a1b2c3d");
    }

    private static PillsnapStage stage(int length) {
        String name =
                IntStream.range(0, length)
                        .mapToObj(i -> i % 7 == 6 ? "-" : Character.toString('a' + i % 26))
                        .reduce("", String::concat);
        name = name.replaceAll("-$", "z");
        return TestStages.stage(name, 1).serving("pills", 600).buildStored();
    }
}
