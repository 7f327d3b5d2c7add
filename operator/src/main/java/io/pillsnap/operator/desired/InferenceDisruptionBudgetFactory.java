package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;

/**
 * The PodDisruptionBudget (policy/v1) of one model's inference pods, named after its Deployment: a
 * node drain evicts them only while another stays available. Made only for models that run at least
 * two pods, since on one pod it would block every drain of its node.
 */
public final class InferenceDisruptionBudgetFactory {

    /** Pods kept available through voluntary disruptions. */
    public static final int MIN_AVAILABLE = 1;

    private InferenceDisruptionBudgetFactory() {}

    /** The budget of the pods of model {@code version} of {@code stage}. */
    public static PodDisruptionBudget create(PillsnapStage stage, String version) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName(ServingNames.deploymentName(version))
                .withNamespace(stage.getMetadata().getNamespace())
                .withLabels(ServingNames.labels(stage, version))
                .addToAnnotations(ServingNames.ANNOTATION_MODEL_VERSION, version)
                .withOwnerReferences(Owners.controller(stage))
                .endMetadata()
                .withNewSpec()
                .withMinAvailable(new IntOrString(MIN_AVAILABLE))
                .withNewSelector()
                .withMatchLabels(ServingNames.selector(version))
                .endSelector()
                // a pod that is not Ready serves nothing: evicting it must not wait for the budget
                .withUnhealthyPodEvictionPolicy("AlwaysAllow")
                .endSpec()
                .build();
    }

    /** Whether a model whose fewest pods are {@code minimumReplicas} gets a budget. */
    public static boolean protects(int minimumReplicas) {
        return minimumReplicas > MIN_AVAILABLE;
    }
}
