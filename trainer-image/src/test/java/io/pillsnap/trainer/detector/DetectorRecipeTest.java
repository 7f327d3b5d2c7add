package io.pillsnap.trainer.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.api.v1alpha1.spec.DetectorSpec;
import io.pillsnap.api.v1alpha1.spec.Optimizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The detector's training recipe against the reference's (Ultralytics' trainer): nominal batch 64
 * with gradient accumulation ramped during warm-up, the auto optimizer's warm-up of the biases, its
 * own patience that never cuts the mosaic-free last epochs, and the 1% rule for skipped steps.
 */
class DetectorRecipeTest {

    @Test
    void batchesAccumulateToTheNominalBatchOf64() {
        // round(64 / batch), at least one, Python's rounding
        assertThat(DetectorRecipe.accumulation(64, 16)).isEqualTo(4);
        assertThat(DetectorRecipe.accumulation(64, 8)).isEqualTo(8);
        assertThat(DetectorRecipe.accumulation(64, 24)).isEqualTo(3);
        assertThat(DetectorRecipe.accumulation(64, 48)).isEqualTo(1);
        assertThat(DetectorRecipe.accumulation(64, 128)).isEqualTo(1);
        assertThat(DetectorRecipe.accumulation(8, 8)).isEqualTo(1);
    }

    @Test
    void duringWarmUpAccumulationRampsFromOneAsTheReferenceInterpolatesIt() {
        long warmup = 300;
        // np.interp(ni, [0, 300], [1, 4]).round(): 1 at the start, 2.5 rounds to even at 150
        assertThat(DetectorRecipe.accumulationAt(0, warmup, 64, 16)).isEqualTo(1);
        assertThat(DetectorRecipe.accumulationAt(49, warmup, 64, 16)).isEqualTo(1);
        assertThat(DetectorRecipe.accumulationAt(51, warmup, 64, 16)).isEqualTo(2);
        assertThat(DetectorRecipe.accumulationAt(150, warmup, 64, 16)).isEqualTo(2);
        assertThat(DetectorRecipe.accumulationAt(151, warmup, 64, 16)).isEqualTo(3);
        assertThat(DetectorRecipe.accumulationAt(299, warmup, 64, 16)).isEqualTo(4);
        assertThat(DetectorRecipe.accumulationAt(300, warmup, 64, 16)).isEqualTo(4);
        assertThat(DetectorRecipe.accumulationAt(10_000, warmup, 64, 16)).isEqualTo(4);
    }

    @Test
    void theAutoOptimizerWarmsTheBiasesUpFromZeroAnExplicitOneFromPointOne() {
        float[] auto = DetectorRecipe.rates(0.002, 0, 30, 0, 300, 0);
        float[] sgd = DetectorRecipe.rates(0.01, 0, 30, 0, 300, 0.1);

        assertThat(auto[0]).isZero();
        assertThat(auto[1]).isZero();
        assertThat(sgd[1]).isEqualTo(0.1f);
        assertThat(sgd[2]).isEqualTo(0.8f);
        // both reach the decayed peak at the end of warm-up, then decay linearly to 1%
        float[] peak = DetectorRecipe.rates(0.002, 0, 30, 300, 300, 0);
        assertThat(peak[0]).isEqualTo(peak[1]).isEqualTo(0.002f);
        float[] last = DetectorRecipe.rates(0.002, 29, 30, 10_000, 300, 0);
        assertThat((double) last[0]).isCloseTo(0.002 * (1.0 / 30 * 0.99 + 0.01), within(1e-9));
    }

    @Test
    void theAutoChoiceCountsOptimizerStepsOfTheNominalBatch() {
        DetectorSpec auto = DetectorSpec.defaults();
        // ceil(photos / max(batch, nominal 64)) * epochs > 10,000 picks SGD: 1,000 * 10 does not
        assertThat(DetectorRecipe.chooseOptimizer(auto, 10, 64_000, 16)).isEqualTo(Optimizer.ADAMW);
        assertThat(DetectorRecipe.chooseOptimizer(auto, 10, 64_001, 16)).isEqualTo(Optimizer.SGD);
        // by batches of 16 it would be 40,000 steps: the nominal batch counts, not the batch
        assertThat(DetectorRecipe.chooseOptimizer(auto, 10, 64_000, 128))
                .isEqualTo(Optimizer.ADAMW);
        assertThat(DetectorRecipe.chooseOptimizer(auto, 30, 1_280_000, 128))
                .isEqualTo(Optimizer.SGD);
    }

    @Test
    void theDetectorsOwnPatienceNeverStopsItInsideTheMosaicFreeLastEpochs() {
        DetectorSpec defaults = DetectorSpec.defaults();
        DetectorSpec impatient = withPatience(defaults, 3);

        assertThat(defaults.patience()).isEqualTo(100);
        assertThat(DetectorRecipe.stale(defaults, 30, state(12, 20))).isFalse();
        // 3 epochs without a better fitness before the last 10 of 30: stop
        assertThat(DetectorRecipe.stale(impatient, 30, state(15, 3))).isTrue();
        // inside the mosaic-free last 10 epochs: run them to the end
        assertThat(DetectorRecipe.stale(impatient, 30, state(20, 3))).isFalse();
        assertThat(DetectorRecipe.stale(impatient, 30, state(25, 8))).isFalse();
        assertThat(DetectorRecipe.stale(withPatience(defaults, 0), 30, state(15, 15))).isFalse();
    }

    @Test
    void moreThanOnePercentOfStepsSkippedFailsTheRun() {
        assertThat(DetectorRecipe.tooManySkipped(0, 500)).isFalse();
        assertThat(DetectorRecipe.tooManySkipped(5, 500)).isFalse();
        assertThat(DetectorRecipe.tooManySkipped(6, 500)).isTrue();
    }

    private static DetectorState state(int epochsDone, int withoutImprovement) {
        DetectorState start = DetectorState.start("run", 100);
        return new DetectorState(
                start.runId(),
                start.trainPhotos(),
                epochsDone,
                0,
                0,
                0.5,
                1,
                withoutImprovement,
                List.of(),
                null,
                0,
                0,
                0,
                0,
                0);
    }

    private static DetectorSpec withPatience(DetectorSpec spec, int patience) {
        return new DetectorSpec(
                spec.arch(),
                spec.imageSize(),
                spec.widthMultiplier(),
                spec.depthMultiplier(),
                spec.optimizer(),
                spec.learningRate(),
                spec.mosaic(),
                spec.closeMosaicEpochs(),
                spec.singlePhotoFraction(),
                patience,
                spec.nominalBatch(),
                spec.pretrained(),
                spec.pretrainedSha256());
    }
}
