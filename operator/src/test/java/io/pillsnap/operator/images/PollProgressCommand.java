package io.pillsnap.operator.images;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.observe.ProgressPoller;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reads a running trainer's /progress as the operator does, at the pod's IP. */
@Command(
        name = "poll-progress",
        mixinStandardHelpOptions = true,
        description = {
            "Read /progress of the trainer pod of --stage at --pod-ip with the operator's",
            "ProgressPoller, print what the stage's status would show; exit 1 when it gets nothing."
        })
final class PollProgressCommand implements Callable<Integer> {

    @Option(names = "--stage", paramLabel = "FILE", required = true)
    Path stage;

    @Option(names = "--pod-ip", paramLabel = "IP", required = true)
    String podIp;

    @Override
    public Integer call() {
        OperatorConfig config = OperatorConfig.fromEnvironment(Map.of());
        var trainer = OperatorPods.trainer(OperatorPods.startedStage(stage, config), config);
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(trainer.name())
                        .endMetadata()
                        .withSpec(trainer.spec())
                        .withNewStatus()
                        .withPhase("Running")
                        .withPodIP(podIp)
                        .endStatus()
                        .build();
        var address = ProgressPoller.TrainerAddress.of(pod).orElseThrow();
        var progress = new ProgressPoller().poll(address).join();
        if (progress.isEmpty()) {
            System.err.println("no progress from " + podIp);
            return 1;
        }
        System.out.println("progress: " + progress.get());
        return 0;
    }
}
