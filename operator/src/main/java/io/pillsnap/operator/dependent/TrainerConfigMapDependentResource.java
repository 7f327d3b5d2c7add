package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.desired.TrainerConfigMapFactory;

/** The immutable ConfigMap holding the spec a run trains; one per run. */
public class TrainerConfigMapDependentResource
        extends KubernetesDependentResource<ConfigMap, PillsnapStage>
        implements Creator<ConfigMap, PillsnapStage>, GarbageCollected<PillsnapStage> {

    public TrainerConfigMapDependentResource() {
        super(ConfigMap.class);
        configureWith(TrainerInformers.selecting(ConfigMap.class));
    }

    @Override
    protected ConfigMap desired(PillsnapStage stage, Context<PillsnapStage> context) {
        return TrainerConfigMapFactory.create(stage);
    }
}
