package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.desired.InferenceDisruptionBudgetFactory;
import io.pillsnap.operator.desired.ServingNames;

/**
 * The PodDisruptionBudget of the pods of one of a stage's inference Deployments, for the model
 * version the serving plan names through the reconcile context ({@link
 * InferenceDeploymentDependentResource#VERSION}).
 */
public class InferenceDisruptionBudgetDependentResource
        extends KubernetesDependentResource<PodDisruptionBudget, PillsnapStage>
        implements Creator<PodDisruptionBudget, PillsnapStage>,
                Updater<PodDisruptionBudget, PillsnapStage>,
                GarbageCollected<PillsnapStage> {

    public InferenceDisruptionBudgetDependentResource() {
        super(PodDisruptionBudget.class);
        configureWith(
                new KubernetesDependentResourceConfigBuilder<PodDisruptionBudget>()
                        .withKubernetesDependentInformerConfig(
                                InformerConfiguration.builder(PodDisruptionBudget.class)
                                        .withLabelSelector(ServingNames.SELECTOR)
                                        .withOnUpdateFilter(new NotOnlyStatusChanged<>())
                                        .build())
                        .build());
    }

    @Override
    protected PodDisruptionBudget desired(PillsnapStage stage, Context<PillsnapStage> context) {
        String version =
                context.managedWorkflowAndDependentResourceContext()
                        .getMandatory(InferenceDeploymentDependentResource.VERSION, String.class);
        return InferenceDisruptionBudgetFactory.create(stage, version);
    }
}
