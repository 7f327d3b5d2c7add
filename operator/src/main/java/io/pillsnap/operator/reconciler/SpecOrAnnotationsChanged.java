package io.pillsnap.operator.reconciler;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import java.util.Objects;

/**
 * Reconciles a stage on a spec change (new generation), an annotation change (manual approval is an
 * annotation), a finalizer change (the operator adds its finalizer, then reconciles) and deletion,
 * but not on the operator's own status patches.
 */
public class SpecOrAnnotationsChanged implements OnUpdateFilter<PillsnapStage> {

    @Override
    public boolean accept(PillsnapStage newStage, PillsnapStage oldStage) {
        return !Objects.equals(
                        newStage.getMetadata().getGeneration(),
                        oldStage.getMetadata().getGeneration())
                || !Objects.equals(
                        newStage.getMetadata().getAnnotations(),
                        oldStage.getMetadata().getAnnotations())
                || !Objects.equals(
                        newStage.getMetadata().getFinalizers(),
                        oldStage.getMetadata().getFinalizers())
                || newStage.isMarkedForDeletion();
    }
}
