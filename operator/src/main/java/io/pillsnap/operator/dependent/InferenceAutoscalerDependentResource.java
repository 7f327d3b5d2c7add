package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.desired.InferenceAutoscalerFactory;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.observe.ServingObserver;

/**
 * The HorizontalPodAutoscaler of one of a stage's inference Deployments, for the model version the
 * serving plan names through the reconcile context ({@link
 * InferenceDeploymentDependentResource#VERSION}).
 */
public class InferenceAutoscalerDependentResource
        extends KubernetesDependentResource<HorizontalPodAutoscaler, PillsnapStage>
        implements Creator<HorizontalPodAutoscaler, PillsnapStage>,
                Updater<HorizontalPodAutoscaler, PillsnapStage>,
                GarbageCollected<PillsnapStage> {

    private static final NotOnlyStatusChanged<HorizontalPodAutoscaler> NOT_ONLY_STATUS =
            new NotOnlyStatusChanged<>();

    public InferenceAutoscalerDependentResource() {
        super(HorizontalPodAutoscaler.class);
        configureWith(
                new KubernetesDependentResourceConfigBuilder<HorizontalPodAutoscaler>()
                        .withKubernetesDependentInformerConfig(
                                InformerConfiguration.builder(HorizontalPodAutoscaler.class)
                                        .withLabelSelector(ServingNames.SELECTOR)
                                        .withOnUpdateFilter(
                                                InferenceAutoscalerDependentResource::wakesTheStage)
                                        .build())
                        .build());
    }

    /**
     * As {@link NotOnlyStatusChanged}, and when the HPA's verdict on itself changed (it could scale
     * and now cannot, or the other way round): the stage's status names the problem. Its current
     * metrics, rewritten all the time, wake nothing.
     */
    static boolean wakesTheStage(HorizontalPodAutoscaler now, HorizontalPodAutoscaler before) {
        return NOT_ONLY_STATUS.accept(now, before)
                || !ServingObserver.problem(now).equals(ServingObserver.problem(before));
    }

    @Override
    protected HorizontalPodAutoscaler desired(PillsnapStage stage, Context<PillsnapStage> context) {
        String version =
                context.managedWorkflowAndDependentResourceContext()
                        .getMandatory(InferenceDeploymentDependentResource.VERSION, String.class);
        return InferenceAutoscalerFactory.create(stage, version);
    }
}
