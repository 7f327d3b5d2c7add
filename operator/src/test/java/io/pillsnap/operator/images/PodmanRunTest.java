package io.pillsnap.operator.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.operator.config.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The podman arguments of the images check say what the operator's pods say, or refuse. */
class PodmanRunTest {

    private static final OperatorConfig CONFIG =
            OperatorConfig.fromEnvironment(
                    Map.of(
                            "PILLSNAP_TRAINER_IMAGE", "localhost/pillsnap-trainer:e2e-cpu",
                            "PILLSNAP_INFERENCE_IMAGE", "localhost/pillsnap-inference:e2e"));

    @TempDir Path folder;

    @Test
    void trainerRunsAsItsJobSays() {
        var trainer = OperatorPods.trainer(imagesStage(), CONFIG);

        var args = PodmanRun.arguments(trainer.spec(), host(trainer, null));

        assertThat(args)
                .contains(
                        "--user=1000:1000",
                        "--group-add=1000",
                        "--read-only",
                        "--read-only-tmpfs=false",
                        "--security-opt=no-new-privileges",
                        "--cap-drop=ALL",
                        "--cpus=1",
                        "--memory=3221225472b",
                        "--env=POD_NAME=" + trainer.name(),
                        "--env=HOME=/tmp",
                        "--volume=" + folder.resolve("data") + ":/data:ro",
                        "--volume=" + folder.resolve("artifacts") + ":/artifacts",
                        "--volume=" + folder.resolve("stage") + ":/etc/pillsnap:ro",
                        "--tmpfs=/tmp:rw,nosuid,nodev,mode=1777",
                        "--volume=" + folder.resolve("termination-log") + ":/dev/termination-log")
                .noneMatch(a -> a.startsWith("--env=KUBERNETES_SERVICE_HOST"));
        int image = args.indexOf("localhost/pillsnap-trainer:e2e-cpu");
        assertThat(args.subList(image + 1, args.size()))
                .startsWith("train", "--stage=/etc/pillsnap/stage.yaml", "--data=/data");
    }

    @Test
    void onlyPodsWithATokenGetTheApiServer() {
        var api = new PodmanRun.ApiServer("localhost", 6443, folder.resolve("sa"));
        var inference = OperatorPods.inference(imagesStage(), CONFIG);

        assertThat(PodmanRun.arguments(inference.spec(), host(inference, api)))
                .as("automountServiceAccountToken: false")
                .noneMatch(a -> a.contains("KUBERNETES_SERVICE_HOST") || a.contains("secrets"));

        var operator = OperatorPods.operator(Map.of("image.tag", "e2e"));
        assertThat(PodmanRun.arguments(operator.spec(), host(operator, api)))
                .contains(
                        "--env=KUBERNETES_SERVICE_HOST=localhost",
                        "--env=KUBERNETES_SERVICE_PORT=6443",
                        "--volume="
                                + folder.resolve("sa")
                                + ":/var/run/secrets/kubernetes.io/serviceaccount:ro",
                        "--env=POD_NAMESPACE=pillsnap-system");
    }

    @Test
    void aGpuCannotBePlayedAndIsRefused() throws Exception {
        Path gpuStage =
                Files.writeString(
                        folder.resolve("gpu.yaml"),
                        Files.readString(RepoFiles.root().resolve("e2e/images-stage.yaml"))
                                .replace("gpus: 0", "gpus: 1"));
        var stage = OperatorPods.startedStage(gpuStage, CONFIG);
        var trainer = OperatorPods.trainer(stage, CONFIG);

        assertThatThrownBy(() -> PodmanRun.arguments(trainer.spec(), host(trainer, null)))
                .hasMessageContaining("resource limit nvidia.com/gpu");
    }

    @Test
    void aClaimWithoutHostFolderIsRefused() {
        var trainer = OperatorPods.trainer(imagesStage(), CONFIG);
        var host =
                new PodmanRun.Host(
                        trainer.name(),
                        "pillsnap-e2e",
                        Map.of("stage", folder.resolve("stage")),
                        folder.resolve("termination-log"),
                        null);

        assertThatThrownBy(() -> PodmanRun.arguments(trainer.spec(), host))
                .hasMessageContaining("volume data (claim pillsnap-data) has no host folder");
    }

    private static io.pillsnap.api.v1alpha1.PillsnapStage imagesStage() {
        return OperatorPods.startedStage(RepoFiles.root().resolve("e2e/images-stage.yaml"), CONFIG);
    }

    private PodmanRun.Host host(OperatorPods.PodToRun pod, PodmanRun.ApiServer api) {
        return new PodmanRun.Host(
                pod.name(),
                pod.namespace(),
                Map.of(
                        "data", folder.resolve("data"),
                        "artifacts", folder.resolve("artifacts"),
                        "models", folder.resolve("artifacts"),
                        "stage", folder.resolve("stage")),
                folder.resolve("termination-log"),
                api);
    }
}
