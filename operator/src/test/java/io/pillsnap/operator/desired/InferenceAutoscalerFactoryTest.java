package io.pillsnap.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.testing.TestStages;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class InferenceAutoscalerFactoryTest {

    private static final String VERSION = "stage2/r3-0a1b2c3d";

    @Test
    void scalesItsModelsDeploymentBetweenTheBoundsOnCpuUtilisation() {
        PillsnapStage stage = stage(AutoscalingSpec.onCpu(2, 6, 70));

        HorizontalPodAutoscaler hpa = InferenceAutoscalerFactory.create(stage, VERSION);
        Deployment deployment =
                InferenceDeploymentFactory.create(stage, VERSION, OperatorConfig.forTests(), 2);

        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getMetadata().getName()).isEqualTo("stage2-r3-0a1b2c3d");
        assertThat(hpa.getMetadata().getNamespace()).isEqualTo("pillsnap");
        assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion())
                .isEqualTo(deployment.getApiVersion());
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo(deployment.getKind());
        assertThat(hpa.getSpec().getScaleTargetRef().getName())
                .isEqualTo(deployment.getMetadata().getName());
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
        MetricSpec metric = hpa.getSpec().getMetrics().get(0);
        assertThat(hpa.getSpec().getMetrics()).hasSize(1);
        assertThat(metric.getType()).isEqualTo("Resource");
        assertThat(metric.getResource().getName()).isEqualTo("cpu");
        assertThat(metric.getResource().getTarget().getType()).isEqualTo("Utilization");
        assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
    }

    @Test
    void isOwnedByTheStageAndLabelledLikeItsDeployment() {
        PillsnapStage stage = stage(AutoscalingSpec.onCpu(1, 3, 80));

        HorizontalPodAutoscaler hpa = InferenceAutoscalerFactory.create(stage, VERSION);
        Deployment deployment =
                InferenceDeploymentFactory.create(stage, VERSION, OperatorConfig.forTests(), 1);

        assertThat(hpa.getMetadata().getOwnerReferences())
                .isEqualTo(deployment.getMetadata().getOwnerReferences());
        assertThat(hpa.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        owner -> {
                            assertThat(owner.getController()).isTrue();
                            assertThat(owner.getUid()).isEqualTo(stage.getMetadata().getUid());
                        });
        assertThat(hpa.getMetadata().getLabels())
                .isEqualTo(deployment.getMetadata().getLabels())
                .containsEntry(ApiConstants.LABEL_MANAGED_BY, ApiConstants.MANAGED_BY)
                .containsEntry(ApiConstants.LABEL_COMPONENT, ServingNames.COMPONENT);
        assertThat(hpa.getMetadata().getAnnotations())
                .containsEntry(ServingNames.ANNOTATION_MODEL_VERSION, VERSION);
    }

    @Test
    void scalesOnTheServersInflightGaugeAveragedPerPod() {
        PillsnapStage stage = stage(AutoscalingSpec.onInflightRequests(2, 10, 1.5));

        MetricSpec metric =
                InferenceAutoscalerFactory.create(stage, VERSION).getSpec().getMetrics().get(0);

        assertThat(metric.getType()).isEqualTo("Pods");
        assertThat(metric.getPods().getMetric().getName()).isEqualTo("pillsnap_inference_inflight");
        assertThat(metric.getPods().getTarget().getType()).isEqualTo("AverageValue");
        assertThat(metric.getPods().getTarget().getAverageValue()).isEqualTo(new Quantity("1500m"));
    }

    @Test
    void inflightTargetIsWrittenAsTheApiServerCanonicalisesIt() {
        assertThat(InferenceAutoscalerFactory.perPod(1.5)).hasToString("1500m");
        assertThat(InferenceAutoscalerFactory.perPod(0.1)).hasToString("100m");
        assertThat(InferenceAutoscalerFactory.perPod(2.25)).hasToString("2250m");
        assertThat(InferenceAutoscalerFactory.perPod(2)).hasToString("2");
        assertThat(InferenceAutoscalerFactory.perPod(12)).hasToString("12");
        assertThat(InferenceAutoscalerFactory.perPod(1000)).hasToString("1k");
    }

    @Test
    void inflightMetricIsTheGaugeTheInferenceServerExports() throws IOException {
        String serverMetrics =
                Files.readString(
                        RepoFiles.root()
                                .resolve(
                                        "inference-image/src/main/java/io/pillsnap/inference"
                                                + "/metrics/ServingMetrics.java"));

        assertThat(serverMetrics)
                .contains("INFLIGHT = \"" + InferenceAutoscalerFactory.INFLIGHT_METRIC + "\"");
    }

    private static PillsnapStage stage(AutoscalingSpec autoscaling) {
        return TestStages.stage("stage2", 2)
                .serving("pills", 600)
                .autoscaling(autoscaling)
                .buildStored();
    }
}
