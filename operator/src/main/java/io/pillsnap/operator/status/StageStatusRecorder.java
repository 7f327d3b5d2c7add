package io.pillsnap.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import java.net.HttpURLConnection;
import java.util.Optional;

/**
 * Writes a stage's status with optimistic locking on the resourceVersion the decision was made
 * from, and caches the result for the next reconcile. An informer may hand the reconciler a stage
 * older than the operator's own last write; the lock turns that into a conflict, so a decision made
 * from a stale status is never written (and its Events never recorded).
 */
public final class StageStatusRecorder {

    private final boolean serverSideApply;
    private final String fieldManager;

    public StageStatusRecorder(boolean serverSideApply, String fieldManager) {
        this.serverSideApply = serverSideApply;
        this.fieldManager = fieldManager;
    }

    /** The stage as written, or empty when the stage changed since it was read. */
    public Optional<PillsnapStage> write(
            PillsnapStage current, PillsnapStageStatus status, Context<PillsnapStage> context) {
        PillsnapStage updated;
        try {
            updated =
                    serverSideApply
                            ? apply(current, status, context)
                            : replace(current, status, context);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
                return Optional.empty();
            }
            throw e;
        }
        context.eventSourceRetriever()
                .getControllerEventSource()
                .handleRecentResourceUpdate(ResourceID.fromResource(current), updated, current);
        return Optional.of(updated);
    }

    private PillsnapStage apply(
            PillsnapStage current, PillsnapStageStatus status, Context<PillsnapStage> context) {
        PillsnapStage patch = new PillsnapStage();
        patch.setMetadata(
                new ObjectMetaBuilder()
                        .withName(current.getMetadata().getName())
                        .withNamespace(current.getMetadata().getNamespace())
                        .withResourceVersion(current.getMetadata().getResourceVersion())
                        .build());
        patch.setStatus(status);
        return context.getClient()
                .resource(patch)
                .subresource("status")
                .patch(
                        new PatchContext.Builder()
                                .withPatchType(PatchType.SERVER_SIDE_APPLY)
                                .withFieldManager(fieldManager)
                                .withForce(true)
                                .build());
    }

    private static PillsnapStage replace(
            PillsnapStage current, PillsnapStageStatus status, Context<PillsnapStage> context) {
        PillsnapStage copy = new PillsnapStage();
        copy.setMetadata(new ObjectMetaBuilder(current.getMetadata()).build());
        copy.setSpec(current.getSpec());
        copy.setStatus(status);
        return context.getClient().resource(copy).updateStatus();
    }
}
