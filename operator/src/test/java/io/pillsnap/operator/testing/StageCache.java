package io.pillsnap.operator.testing;

import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.operator.observe.StageIndex;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** An informer's cache of stages, as it stands at one moment, indexed as the operator's are. */
public final class StageCache implements IndexedResourceCache<PillsnapStage> {

    private final List<PillsnapStage> stages;

    public StageCache(PillsnapStage... stages) {
        this.stages = List.of(stages);
    }

    @Override
    public Optional<PillsnapStage> get(ResourceID id) {
        return stages.stream().filter(s -> ResourceID.fromResource(s).equals(id)).findFirst();
    }

    @Override
    public Stream<ResourceID> keys() {
        return stages.stream().map(ResourceID::fromResource);
    }

    @Override
    public Stream<PillsnapStage> list(Predicate<PillsnapStage> predicate) {
        return stages.stream().filter(predicate);
    }

    @Override
    public Stream<PillsnapStage> list(String namespace, Predicate<PillsnapStage> predicate) {
        return list(s -> namespace.equals(s.getMetadata().getNamespace()) && predicate.test(s));
    }

    @Override
    public List<PillsnapStage> byIndex(String index, String key) {
        return stages.stream()
                .filter(s -> StageIndex.INDEXERS.get(index).apply(s).contains(key))
                .toList();
    }
}
