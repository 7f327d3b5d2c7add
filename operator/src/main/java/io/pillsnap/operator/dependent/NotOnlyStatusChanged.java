package io.pillsnap.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Wakes a stage when its object's spec (generation), labels, annotations or owners changed, not
 * when only its status did: an HPA rewrites its current metrics and a PodDisruptionBudget its
 * healthy pods all the time, and the stage decides nothing from either. Creation and deletion
 * always wake it.
 */
final class NotOnlyStatusChanged<R extends HasMetadata> implements OnUpdateFilter<R> {

    @Override
    public boolean accept(R newObject, R oldObject) {
        ObjectMeta now = newObject.getMetadata();
        ObjectMeta before = oldObject.getMetadata();
        return !Objects.equals(now.getGeneration(), before.getGeneration())
                || !Objects.equals(now.getLabels(), before.getLabels())
                || !Objects.equals(now.getAnnotations(), before.getAnnotations())
                || !Objects.equals(now.getOwnerReferences(), before.getOwnerReferences())
                || newObject.isMarkedForDeletion();
    }
}
