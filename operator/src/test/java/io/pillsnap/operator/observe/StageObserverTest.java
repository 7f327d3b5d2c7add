package io.pillsnap.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.RunStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.testing.StageCache;
import io.pillsnap.operator.testing.TestStages;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A stage woken by another stage's change sees that change. Each informer has its own watch, so
 * when the related-stages informer reports that the serving stage is being deleted, the primary
 * informer may not have seen it yet: a stage that read its track from there missed the deletion,
 * nothing woke it again, and the track was never handed back (ServingFaultsIT timed out once in a
 * full run).
 */
class StageObserverTest {

    private static final Instant NOW = Instant.parse("2026-12-03T05:00:00Z");

    @Test
    void aStageSeesItsTrackAsTheCacheWhoseEventWokeItHoldsIt() {
        PillsnapStage stage1 = promoted(TestStages.stage("stage1", 1), "r1-aaaaaaaa");
        PillsnapStage stage2 = promoted(TestStages.stage("stage2", 2), "r1-bbbbbbbb");
        PillsnapStage stage2Deleting = promoted(TestStages.stage("stage2", 2), "r1-bbbbbbbb");
        stage2Deleting.getMetadata().setUid(stage2.getMetadata().getUid());
        stage2Deleting.getMetadata().setFinalizers(List.of("pillsnapstages.pillsnap.io/finalizer"));
        stage2Deleting.getMetadata().setDeletionTimestamp(NOW.minusSeconds(1).toString());
        // the primary informer has not seen the deletion yet; the related-stages one has
        Context<PillsnapStage> context = context(new StageCache(stage1, stage2));

        var snapshot =
                new StageObserver(
                                new TrainerProgress(
                                        Duration.ofSeconds(30),
                                        new ProgressPoller(),
                                        java.time.Clock.systemUTC()),
                                new TrackConflicts(),
                                false)
                        .observe(
                                stage1,
                                context,
                                new StageCache(stage1, stage2Deleting),
                                Optional.empty(),
                                NOW);

        assertThat(snapshot.serving().peers())
                .singleElement()
                .satisfies(
                        peer -> {
                            assertThat(peer.stage()).isEqualTo("stage2");
                            assertThat(peer.deleting()).isTrue();
                            assertThat(peer.eligible()).isFalse();
                        });
    }

    private static PillsnapStage promoted(TestStages.Builder builder, String runId) {
        PillsnapStage stage = builder.serving("pills", 600).buildStored();
        stage.setStatus(
                PillsnapStageStatus.empty().toBuilder()
                        .phase(StagePhase.Promoted)
                        .observedGeneration(1L)
                        .run(
                                RunStatus.builder()
                                        .id(runId)
                                        .number(1)
                                        .attempt(1)
                                        .failedAttempts(0)
                                        .retryLimit(3)
                                        .disruptions(0)
                                        .build())
                        .build());
        return stage;
    }

    /** A reconcile's context with no secondary resources and {@code primary} as its cache. */
    @SuppressWarnings("unchecked")
    private static Context<PillsnapStage> context(IndexedResourceCache<PillsnapStage> primary) {
        return (Context<PillsnapStage>)
                Proxy.newProxyInstance(
                        Context.class.getClassLoader(),
                        new Class<?>[] {Context.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "getSecondaryResources" -> Set.of();
                                    case "getPrimaryCache" -> primary;
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }
}
