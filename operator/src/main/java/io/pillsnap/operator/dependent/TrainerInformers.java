package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.pillsnap.operator.desired.TrainerLabels;

/** Informer settings of the trainer dependents: only objects this operator labelled. */
final class TrainerInformers {

    private TrainerInformers() {}

    static <R extends HasMetadata> KubernetesDependentResourceConfig<R> selecting(Class<R> type) {
        return new KubernetesDependentResourceConfigBuilder<R>()
                .withKubernetesDependentInformerConfig(
                        InformerConfiguration.builder(type)
                                .withLabelSelector(TrainerLabels.SELECTOR)
                                .build())
                .build();
    }
}
