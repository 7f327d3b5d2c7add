package io.pillsnap.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.spec.ComparisonOperator;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.spec.PromotionPolicy;
import io.pillsnap.api.v1alpha1.spec.SuccessCriterion;
import io.pillsnap.api.v1alpha1.spec.Task;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** config/stage1..4.yaml carry the original project's targets and chain as designed. */
class SampleStagesTest {

    @Test
    void stage1ProvesThePipeline() throws IOException {
        PillsnapStageSpec spec = load("stage1.yaml").getSpec();

        assertThat(spec.stage()).isEqualTo(1);
        assertThat(spec.dataset().images()).isEqualTo(5000);
        assertThat(spec.dataset().classes()).isEqualTo(50);
        assertThat(spec.dataset().seed()).isEqualTo(42L);
        assertThat(spec.successCriteria()).containsExactly(atLeast(Metric.TOP1, 0.40));
        assertThat(spec.predecessors()).isEmpty();
    }

    @Test
    void stage2SetsTheBaselineAfterStage1() throws IOException {
        PillsnapStageSpec spec = load("stage2.yaml").getSpec();

        assertThat(spec.dataset().images()).isEqualTo(25000);
        assertThat(spec.dataset().classes()).isEqualTo(250);
        assertThat(spec.successCriteria())
                .containsExactly(atLeast(Metric.TOP1, 0.60), atLeast(Metric.MACRO_F1, 0.55));
        assertThat(spec.after()).isEqualTo("stage1");
        assertThat(spec.initFrom()).isEqualTo("stage1");
    }

    @Test
    void stage3AddsDetection() throws IOException {
        PillsnapStageSpec spec = load("stage3.yaml").getSpec();

        assertThat(spec.tasks()).containsExactly(Task.CLASSIFICATION, Task.DETECTION);
        assertThat(spec.successCriteria())
                .containsExactly(
                        atLeast(Metric.TOP1, 0.75),
                        atLeast(Metric.MACRO_F1, 0.70),
                        atLeast(Metric.MAP50, 0.70),
                        atLeast(Metric.MAP50_95, 0.50));
        assertThat(spec.after()).isEqualTo("stage2");
        assertThat(spec.model().detector().pretrained())
                .as("Ultralytics' COCO weights, under the dataset folder")
                .isEqualTo("pretrained/yolo11x.pt");
    }

    @Test
    void stage4IsProductionWithManualPromotion() throws IOException {
        PillsnapStageSpec spec = load("stage4.yaml").getSpec();

        assertThat(spec.dataset().images()).isEqualTo(500000);
        assertThat(spec.dataset().classes()).as("all classes").isNull();
        assertThat(spec.successCriteria())
                .containsExactly(
                        atLeast(Metric.TOP1, 0.92),
                        atLeast(Metric.MACRO_F1, 0.88),
                        atLeast(Metric.MAP50, 0.85),
                        atLeast(Metric.MAP50_95, 0.65));
        assertThat(spec.promotion()).isEqualTo(PromotionPolicy.MANUAL);
        assertThat(spec.after()).isEqualTo("stage3");
        // initFrom carries the classifier over; the detector starts from COCO again
        assertThat(spec.model().detector().pretrained()).isEqualTo("pretrained/yolo11x.pt");
    }

    @Test
    void omittedFieldsTakeTheDocumentedDefaults() {
        PillsnapStage stage =
                Serialization.unmarshal(StageYaml.minimal().toString(), PillsnapStage.class);
        PillsnapStageSpec spec = stage.getSpec();

        assertThat(spec.tasks()).containsExactly(Task.CLASSIFICATION);
        assertThat(spec.successCriteria().get(0).op()).isEqualTo(ComparisonOperator.AT_LEAST);
        assertThat(spec.promotion()).isEqualTo(PromotionPolicy.AUTOMATIC);
        assertThat(spec.training().epochs()).isEqualTo(30);
        assertThat(spec.training().maxRetries()).isEqualTo(3);
        assertThat(spec.training().fixedBatchSize()).isEmpty();
        assertThat(spec.resources().gpus()).isEqualTo(1);
        assertThat(spec.resources().gpuResourceName()).isEqualTo("nvidia.com/gpu");
        assertThat(spec.model().classifier().imageSize()).isEqualTo(384);
        assertThat(spec.dataset().seed()).isEqualTo(42L);
        assertThat(spec.dataset().valFraction()).isEqualTo(0.2);
        assertThat(spec.serving().enabled()).isFalse();
    }

    private static SuccessCriterion atLeast(Metric metric, double threshold) {
        return SuccessCriterion.atLeast(metric, threshold);
    }

    private static PillsnapStage load(String file) throws IOException {
        return Serialization.unmarshal(
                Files.readString(RepoFiles.config(file)), PillsnapStage.class);
    }
}
