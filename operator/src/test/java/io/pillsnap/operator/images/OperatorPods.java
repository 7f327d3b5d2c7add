package io.pillsnap.operator.images;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.pillsnap.api.testing.RepoFiles;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.InferenceDeploymentFactory;
import io.pillsnap.operator.desired.ResultReaderJobFactory;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.desired.TrainerConfigMapFactory;
import io.pillsnap.operator.desired.TrainerJobFactory;
import io.pillsnap.operator.observe.ObservedRun;
import io.pillsnap.operator.plan.PhasePlanner;
import io.pillsnap.operator.plan.PlanSettings;
import io.pillsnap.operator.status.StageStatusAggregator;
import io.pillsnap.operator.testing.Snapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The pods of a stage's first run as the operator makes them (its planner and factories, for a
 * stage file), and the operator's own pod as the Helm chart renders it.
 */
final class OperatorPods {

    /** The chart's release, as the README installs it. */
    static final String RELEASE = "pillsnap-operator";

    static final String RELEASE_NAMESPACE = "pillsnap-system";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** A pod to run: its name, namespace, spec and the ConfigMaps its volumes show. */
    record PodToRun(String name, String namespace, PodSpec spec, List<ConfigMap> configMaps) {}

    private OperatorPods() {}

    /** The stage of {@code file} with the status the operator records when its first run starts. */
    static PillsnapStage startedStage(Path file, OperatorConfig config) {
        PillsnapStage stage;
        try (InputStream in = Files.newInputStream(file)) {
            stage = SERIALIZATION.unmarshal(in, PillsnapStage.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stage file " + file, e);
        }
        if (stage.getMetadata().getNamespace() == null) {
            throw new IllegalArgumentException(
                    "the stage file " + file + " names no metadata.namespace");
        }
        var plan =
                PhasePlanner.plan(Snapshots.of(stage, ObservedRun.none()), PlanSettings.of(config));
        stage.setStatus(
                StageStatusAggregator.aggregate(
                        PillsnapStageStatus.empty(), plan, 1, Snapshots.NOW));
        if (stage.getStatus().run() == null) {
            throw new IllegalArgumentException(
                    "the operator would start no run for "
                            + file
                            + ": "
                            + stage.getStatus().phase()
                            + " "
                            + stage.getStatus().message());
        }
        return stage;
    }

    static PodToRun trainer(PillsnapStage stage, OperatorConfig config) {
        Job job = TrainerJobFactory.create(stage, config);
        return new PodToRun(
                job.getMetadata().getName() + "-podman",
                job.getMetadata().getNamespace(),
                job.getSpec().getTemplate().getSpec(),
                List.of(TrainerConfigMapFactory.create(stage)));
    }

    static PodToRun inference(PillsnapStage stage, OperatorConfig config) {
        Deployment deployment =
                InferenceDeploymentFactory.create(stage, ServingNames.version(stage), config, 1);
        return new PodToRun(
                deployment.getMetadata().getName() + "-podman",
                deployment.getMetadata().getNamespace(),
                deployment.getSpec().getTemplate().getSpec(),
                List.of());
    }

    static PodToRun resultReader(PillsnapStage stage, OperatorConfig config) {
        Job job = ResultReaderJobFactory.create(stage, config);
        return new PodToRun(
                job.getMetadata().getName() + "-podman",
                job.getMetadata().getNamespace(),
                job.getSpec().getTemplate().getSpec(),
                List.of());
    }

    /**
     * The operator Deployment's pod as {@code helm template} renders the chart with {@code values}.
     */
    static PodToRun operator(Map<String, String> values) {
        TemplateCommand template =
                new Helm(RepoFiles.root().resolve("helm/pillsnap-operator"))
                        .template()
                        .withName(RELEASE)
                        .withNamespace(RELEASE_NAMESPACE)
                        .withKubeVersion("1.31.0");
        values.forEach(template::set);
        String manifest = template.call();
        for (String document : manifest.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            if (SERIALIZATION.unmarshal(document) instanceof Deployment deployment) {
                return new PodToRun(
                        deployment.getMetadata().getName() + "-podman",
                        deployment.getMetadata().getNamespace(),
                        deployment.getSpec().getTemplate().getSpec(),
                        List.of());
            }
        }
        throw new IllegalStateException("the chart rendered no Deployment");
    }

    /** Writes each ConfigMap's files into the host folder of the volume that shows it. */
    static void writeConfigMaps(PodToRun pod, Map<String, Path> volumes) {
        for (var volume : pod.spec().getVolumes()) {
            if (volume.getConfigMap() == null) {
                continue;
            }
            String name = volume.getConfigMap().getName();
            ConfigMap configMap =
                    pod.configMaps().stream()
                            .filter(c -> c.getMetadata().getName().equals(name))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "volume "
                                                            + volume.getName()
                                                            + " shows ConfigMap "
                                                            + name
                                                            + ", which the operator does not"
                                                            + " make"));
            Path folder = volumes.get(volume.getName());
            if (folder == null) {
                throw new IllegalArgumentException(
                        "ConfigMap volume "
                                + volume.getName()
                                + " has no host folder: pass --volume "
                                + volume.getName()
                                + "=DIR");
            }
            try {
                Files.createDirectories(folder);
                for (var file : configMap.getData().entrySet()) {
                    Files.writeString(folder.resolve(file.getKey()), file.getValue());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
