package io.pillsnap.operator.desired;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;

/** Owner references to stages: how Kubernetes' garbage collector and the operator find owners. */
public final class Owners {

    private Owners() {}

    /** The controller reference of an object a stage made and alone manages. */
    public static OwnerReference controller(PillsnapStage stage) {
        return new OwnerReferenceBuilder(reference(stage))
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** A non-controller reference: the object stays while any of its owners exists. */
    public static OwnerReference sharedBy(String stageName, String uid) {
        return new OwnerReferenceBuilder()
                .withApiVersion(ApiConstants.GROUP + "/" + ApiConstants.VERSION)
                .withKind(ApiConstants.KIND)
                .withName(stageName)
                .withUid(uid)
                .build();
    }

    private static OwnerReference reference(PillsnapStage stage) {
        return sharedBy(stage.getMetadata().getName(), stage.getMetadata().getUid());
    }
}
