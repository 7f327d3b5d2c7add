package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.InferenceDeploymentFactory;
import io.pillsnap.operator.desired.ServingNames;

/**
 * The inference Deployment of a stage's promoted model, at the replicas the serving plan asks for
 * (0 while superseded). The plan is handed over through the reconcile context.
 */
public class InferenceDeploymentDependentResource
        extends KubernetesDependentResource<Deployment, PillsnapStage>
        implements Creator<Deployment, PillsnapStage>,
                Updater<Deployment, PillsnapStage>,
                GarbageCollected<PillsnapStage> {

    public static final String VERSION = "serving.version";
    public static final String REPLICAS = "serving.replicas";

    private final OperatorConfig config;

    public InferenceDeploymentDependentResource(OperatorConfig config) {
        super(Deployment.class);
        this.config = config;
        configureWith(
                new KubernetesDependentResourceConfigBuilder<Deployment>()
                        .withKubernetesDependentInformerConfig(
                                InformerConfiguration.builder(Deployment.class)
                                        .withLabelSelector(ServingNames.SELECTOR)
                                        .build())
                        .build());
    }

    @Override
    protected Deployment desired(PillsnapStage stage, Context<PillsnapStage> context) {
        var values = context.managedWorkflowAndDependentResourceContext();
        String version = values.getMandatory(VERSION, String.class);
        int replicas = values.getMandatory(REPLICAS, Integer.class);
        return InferenceDeploymentFactory.create(stage, version, config, replicas);
    }
}
