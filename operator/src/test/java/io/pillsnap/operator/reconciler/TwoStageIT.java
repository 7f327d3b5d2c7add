package io.pillsnap.operator.reconciler;

import static io.pillsnap.api.v1alpha1.spec.Metric.MAP50;
import static io.pillsnap.api.v1alpha1.spec.Metric.MAP50_95;
import static io.pillsnap.api.v1alpha1.spec.Metric.PIPELINE_TOP1;
import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import io.pillsnap.api.v1alpha1.status.GateResult;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.testing.FakeKubelet;
import io.pillsnap.operator.testing.MockCluster;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stage 3 that trains both models, against Fabric8's CRUD mock API server: gated on the
 * classifier's top-1, the detector's mAP and the two-stage pipeline's accuracy, promoted, served
 * from its run folder with both ONNX files; a stage whose criteria its tasks cannot produce never
 * starts a run.
 */
class TwoStageIT {

    private MockCluster cluster;
    private FakeKubelet kubelet;

    @BeforeEach
    void startOperator() {
        cluster = MockCluster.create().startOperator();
        kubelet = cluster.kubelet();
    }

    @AfterEach
    void stopOperator() {
        cluster.close();
    }

    @Test
    void bothTasksAreGatedPromotedAndServedTogether() {
        cluster.apply(
                TestStages.stage("stage3", 3)
                        .detection()
                        .criterion(TOP1, 0.40)
                        .criterion(MAP50, 0.60)
                        .criterion(PIPELINE_TOP1, 0.35)
                        .serving("pills", 600)
                        .build());
        Job job = kubelet.awaitJob("stage3", 1, 1);
        Map<io.pillsnap.api.v1alpha1.spec.Metric, Double> validation =
                Map.of(TOP1, 0.55, MAP50, 0.97, MAP50_95, 0.69, PIPELINE_TOP1, 0.50);
        Map<io.pillsnap.api.v1alpha1.spec.Metric, Double> test =
                Map.of(TOP1, 0.53, MAP50, 0.96, MAP50_95, 0.70, PIPELINE_TOP1, 0.48);
        kubelet.succeed(
                job,
                kubelet.startPod(job),
                TestResults.succeededTwoStage(FakeKubelet.runId(job), validation, test));

        PillsnapStage promoted = cluster.awaitStage("stage3", s -> phase(s, StagePhase.Promoted));
        assertThat(promoted.getStatus().gate().result()).isEqualTo(GateResult.Passed);
        assertThat(promoted.getStatus().gate().criteria()).hasSize(3);
        var metrics = promoted.getStatus().metrics();
        assertThat(metrics.top1()).isEqualTo(0.53);
        assertThat(metrics.mAP50()).isEqualTo(0.96);
        assertThat(metrics.mAP50to95()).isEqualTo(0.70);
        assertThat(metrics.pipelineTop1()).isEqualTo(0.48);
        assertThat(promoted.getStatus().artifacts().files())
                .extracting(ArtifactFile::path)
                .contains("run/classifier.onnx", "run/detector.onnx");

        // one Deployment serves the run folder: the server loads both files from its manifest
        String version = "stage3/" + promoted.getStatus().run().id();
        Deployment deployment = kubelet.awaitDeployment(ServingNames.deploymentName(version));
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .contains("--model-dir=/models/" + promoted.getStatus().run().artifactsPath());
    }

    @Test
    void criteriaTheTasksCannotProduceStartNoRun() {
        cluster.apply(
                TestStages.stage("stage2", 2)
                        .criterion(TOP1, 0.40)
                        .criterion(MAP50, 0.60)
                        .criterion(PIPELINE_TOP1, 0.35)
                        .build());

        PillsnapStage failed = cluster.awaitStage("stage2", s -> phase(s, StagePhase.Failed));
        assertThat(failed.getStatus().message())
                .contains("mAP50 needs a detector")
                .contains("pipelineTop1 needs both models")
                .contains("Add the task or drop the criterion");
        org.awaitility.Awaitility.await()
                .during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> kubelet.jobs("stage2").isEmpty());
    }

    private static boolean phase(PillsnapStage stage, StagePhase phase) {
        return stage.getStatus() != null && stage.getStatus().phase() == phase;
    }
}
