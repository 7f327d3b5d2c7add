package io.pillsnap.operator.images;

import io.pillsnap.operator.config.OperatorConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Prints the {@code podman run} arguments of one pod, one per line. */
@Command(
        name = "podman-run",
        mixinStandardHelpOptions = true,
        description = {
            "Print, one per line, the podman run arguments that run POD as the cluster would: the",
            "trainer Job, inference Deployment and result reader Job the operator makes for the",
            "first run of --stage (its own planner and factories), or the operator Deployment of",
            "the Helm chart (--set values). ConfigMap volumes get their files written first."
        })
final class PodmanRunCommand implements Callable<Integer> {

    enum Pod {
        trainer,
        inference,
        result_reader,
        operator
    }

    @Parameters(index = "0", description = "trainer, inference, result_reader or operator")
    Pod pod;

    @Option(
            names = "--stage",
            paramLabel = "FILE",
            description = "The PillsnapStage (not for operator)")
    Path stage;

    @Option(names = "--trainer-image", defaultValue = "localhost/pillsnap-trainer:e2e-cpu")
    String trainerImage;

    @Option(names = "--inference-image", defaultValue = "localhost/pillsnap-inference:e2e")
    String inferenceImage;

    @Option(
            names = "--volume",
            paramLabel = "NAME=DIR",
            description = "Host folder of a pod volume (claims and ConfigMaps need one)")
    Map<String, Path> volumes = new LinkedHashMap<>();

    @Option(names = "--termination-log", paramLabel = "FILE", required = true)
    Path terminationLog;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "A chart value (operator only)")
    Map<String, String> chartValues = new LinkedHashMap<>();

    @Option(
            names = "--api-server",
            paramLabel = "HOST:PORT",
            description = "The API server the pod's ServiceAccount reaches (operator only)")
    String apiServer;

    @Option(
            names = "--service-account",
            paramLabel = "DIR",
            description = "Folder with token, ca.crt and namespace, mounted as kubelet mounts them")
    Path serviceAccount;

    @Override
    public Integer call() {
        OperatorConfig config =
                OperatorConfig.fromEnvironment(
                        Map.of(
                                "PILLSNAP_TRAINER_IMAGE", trainerImage,
                                "PILLSNAP_INFERENCE_IMAGE", inferenceImage));
        OperatorPods.PodToRun toRun =
                switch (pod) {
                    case trainer -> OperatorPods.trainer(stage(config), config);
                    case inference -> OperatorPods.inference(stage(config), config);
                    case result_reader -> OperatorPods.resultReader(stage(config), config);
                    case operator -> OperatorPods.operator(chartValues);
                };
        OperatorPods.writeConfigMaps(toRun, volumes);
        PodmanRun.ApiServer server = null;
        if (apiServer != null) {
            int colon = apiServer.lastIndexOf(':');
            if (colon < 0 || serviceAccount == null) {
                throw new IllegalArgumentException(
                        "--api-server takes HOST:PORT and needs --service-account DIR");
            }
            server =
                    new PodmanRun.ApiServer(
                            apiServer.substring(0, colon),
                            Integer.parseInt(apiServer.substring(colon + 1)),
                            serviceAccount);
        }
        List<String> arguments =
                PodmanRun.arguments(
                        toRun.spec(),
                        new PodmanRun.Host(
                                toRun.name(), toRun.namespace(), volumes, terminationLog, server));
        arguments.forEach(System.out::println);
        return 0;
    }

    private io.pillsnap.api.v1alpha1.PillsnapStage stage(OperatorConfig config) {
        if (stage == null) {
            throw new IllegalArgumentException(pod + " needs --stage FILE");
        }
        return OperatorPods.startedStage(stage, config);
    }
}
