package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.SSABasedGenericKubernetesResourceMatcher;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.config.OperatorConfig;
import io.pillsnap.operator.desired.InferenceDeploymentFactory;
import io.pillsnap.operator.desired.ServingNames;
import java.util.Map;

/**
 * The inference Deployment of a stage's promoted model, at the replicas the serving plan asks for
 * (0 while superseded), or at those its HorizontalPodAutoscaler set when the plan leaves them to
 * it. The plan is handed over through the reconcile context.
 */
public class InferenceDeploymentDependentResource
        extends KubernetesDependentResource<Deployment, PillsnapStage>
        implements Creator<Deployment, PillsnapStage>,
                Updater<Deployment, PillsnapStage>,
                GarbageCollected<PillsnapStage> {

    public static final String VERSION = "serving.version";

    /** The replicas to set; absent: leave them to the model's HorizontalPodAutoscaler. */
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
                        .withSSAMatcher(new ReplicasLeftOutMatcher())
                        .build());
    }

    @Override
    protected Deployment desired(PillsnapStage stage, Context<PillsnapStage> context) {
        var values = context.managedWorkflowAndDependentResourceContext();
        String version = values.getMandatory(VERSION, String.class);
        Integer replicas = values.get(REPLICAS, Integer.class).orElse(null);
        return InferenceDeploymentFactory.create(stage, version, config, replicas);
    }

    /**
     * A Deployment whose replicas are left to its HPA is written with the count the HPA set, locked
     * on the version read: an HPA that scales in between makes the write fail and be retried,
     * instead of being undone. (Without replicas, a server-side apply would drop the operator's
     * claim on the field and the API server reset it to its default, 1.)
     */
    @Override
    public Deployment update(
            Deployment actual,
            Deployment desired,
            PillsnapStage stage,
            Context<PillsnapStage> context) {
        if (desired.getSpec().getReplicas() == null) {
            desired.getSpec().setReplicas(actual.getSpec().getReplicas());
            desired.getMetadata().setResourceVersion(actual.getMetadata().getResourceVersion());
        }
        return super.update(actual, desired, stage, context);
    }

    /**
     * Server-side apply's match, not comparing the replicas where the desired Deployment leaves
     * them out (to the HPA), whoever last set them.
     */
    static final class ReplicasLeftOutMatcher
            extends SSABasedGenericKubernetesResourceMatcher<Deployment> {

        @Override
        protected boolean matches(
                Map<String, Object> actualMap,
                Map<String, Object> desiredMap,
                Deployment actual,
                Deployment desired,
                Context<?> context) {
            if (desired.getSpec().getReplicas() == null
                    && actualMap.get("spec") instanceof Map<?, ?> spec) {
                spec.remove("replicas");
            }
            return super.matches(actualMap, desiredMap, actual, desired, context);
        }
    }
}
