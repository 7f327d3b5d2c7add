package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.TrainerJobFactory;

/**
 * The trainer Job of the current attempt. Created, never updated (a Job's template is immutable; a
 * new attempt is a new Job), deleted with the stage through its owner reference.
 */
public class TrainerJobDependentResource extends KubernetesDependentResource<Job, PillsnapStage>
        implements Creator<Job, PillsnapStage>, GarbageCollected<PillsnapStage> {

    private final OperatorConfig config;

    public TrainerJobDependentResource(OperatorConfig config) {
        super(Job.class);
        this.config = config;
        configureWith(TrainerInformers.selecting(Job.class));
    }

    @Override
    protected Job desired(PillsnapStage stage, Context<PillsnapStage> context) {
        return TrainerJobFactory.create(stage, config);
    }
}
