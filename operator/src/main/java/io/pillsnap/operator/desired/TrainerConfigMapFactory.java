package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.status.RunStatus;

/**
 * The run's stage spec as the trainer reads it: the same PillsnapStage YAML a user applies, without
 * status. Immutable, one per run, so a run always trains the spec it started with.
 */
public final class TrainerConfigMapFactory {

    private TrainerConfigMapFactory() {}

    public static ConfigMap create(PillsnapStage stage) {
        RunStatus run = stage.getStatus().run();
        String name = stage.getMetadata().getName();
        PillsnapStage specOnly = new PillsnapStage();
        specOnly.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(stage.getMetadata().getNamespace())
                        .withUid(stage.getMetadata().getUid())
                        .withGeneration(stage.getMetadata().getGeneration())
                        .build());
        specOnly.setSpec(stage.getSpec());
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(RunNames.configMapName(name, run.id()))
                .withNamespace(stage.getMetadata().getNamespace())
                .withLabels(TrainerLabels.forRun(name, run.number()))
                .addToAnnotations(TrainerLabels.ANNOTATION_RUN_ID, run.id())
                .withOwnerReferences(Owners.controller(stage))
                .endMetadata()
                .withImmutable(true)
                .addToData(RunNames.STAGE_FILE, Serialization.asYaml(specOnly))
                .build();
    }
}
