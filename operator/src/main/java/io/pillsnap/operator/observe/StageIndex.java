package io.pillsnap.operator.observe;

import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Indexes of the stage cache, so that finding the stages that wait for a stage, or the stages of a
 * track, costs their number and not the namespace's.
 */
public final class StageIndex {

    /** Stages by the stages they wait for (spec.after, spec.initFrom). */
    public static final String PREDECESSOR = "predecessor";

    /** Stages by their serving track. */
    public static final String TRACK = "track";

    private StageIndex() {}

    /** Each index by name: the keys under which it files a stage. */
    public static final Map<String, Function<PillsnapStage, List<String>>> INDEXERS =
            Map.of(PREDECESSOR, StageIndex::predecessorKeys, TRACK, StageIndex::trackKeys);

    public static void register(IndexerResourceCache<PillsnapStage> stages) {
        stages.addIndexers(INDEXERS);
    }

    private static List<String> predecessorKeys(PillsnapStage stage) {
        return stage.getSpec() == null
                ? List.of()
                : stage.getSpec().predecessors().stream()
                        .map(p -> key(stage.getMetadata().getNamespace(), p))
                        .toList();
    }

    private static List<String> trackKeys(PillsnapStage stage) {
        return stage.getSpec() == null
                ? List.of()
                : List.of(
                        key(stage.getMetadata().getNamespace(), stage.getSpec().serving().track()));
    }

    /** The stages of {@code track} in {@code namespace}. */
    public static List<PillsnapStage> onTrack(
            IndexedResourceCache<PillsnapStage> stages, String namespace, String track) {
        return stages.byIndex(TRACK, key(namespace, track));
    }

    public static String key(String namespace, String name) {
        return namespace + "/" + name;
    }
}
