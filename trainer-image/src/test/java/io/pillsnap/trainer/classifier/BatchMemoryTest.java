package io.pillsnap.trainer.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import io.pillsnap.trainer.classifier.net.EfficientNetV2Config;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.engine.AdamW;
import io.pillsnap.trainer.engine.MicroBatching;
import io.pillsnap.trainer.engine.WeightAverage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Batch sizing and the out-of-memory guard, on the CPU with an injected CUDA-style out-of-memory
 * failure above a number of pictures per forward pass.
 */
class BatchMemoryTest {

    private static final int SIZE = 32;
    private static final int CLASSES = 5;
    private static final EfficientNetV2Config CONFIG =
            EfficientNetV2Config.S.scaled(0.25, 0.25).withRegularisation(0, 0);

    @Test
    void theBatchProbeLeavesWeightsAndBatchNormStatisticsAsTheyWere() {
        try (ClassifierModel model = new ClassifierModel(CONFIG, CLASSES, SIZE, Device.cpu(), 1)) {
            // the optimizer state and the weight average exist while the probe runs
            AdamW optimizer = new AdamW(model.trainable(), 0.01f);
            WeightAverage average = new WeightAverage(model.parameters(), 0.9f);
            model.trainStep(batch(8, 1), optimizer, average, 0.01f, 0f, 0f);
            Map<String, String> before = values(model);
            assertThat(before.keySet())
                    .anyMatch(name -> name.toLowerCase(java.util.Locale.ROOT).contains("running"));

            model.failForwardsAbove(12);
            int size = ClassifierTraining.largestFitting(model, 64);

            assertThat(size).isEqualTo(8);
            assertThat(values(model)).containsExactlyEntriesOf(before);
            for (var parameter : model.trainable().values()) {
                assertThat(parameter.getArray().getGradient().abs().max().getFloat()).isZero();
            }
            // a training-mode forward pass does move the statistics the probe kept
            model.trainingModeLoss(batch(8, 2));
            assertThat(values(model)).isNotEqualTo(before);
        }
    }

    @Test
    void anOutOfMemoryStepIsTakenAgainInHalvesWithTheGradientAccumulated() {
        Batch batch = batch(8, 3);
        try (ClassifierModel guarded = new ClassifierModel(CONFIG, CLASSES, SIZE, Device.cpu(), 1);
                ClassifierModel halves =
                        new ClassifierModel(CONFIG, CLASSES, SIZE, Device.cpu(), 1);
                ClassifierModel fresh =
                        new ClassifierModel(CONFIG, CLASSES, SIZE, Device.cpu(), 1)) {
            AdamW guardedOptimizer = new AdamW(guarded.trainable(), 0.01f);
            AdamW halvesOptimizer = new AdamW(halves.trainable(), 0.01f);
            guarded.failForwardsAbove(4);
            MicroBatching guard = new MicroBatching(8);
            AtomicInteger attempts = new AtomicInteger();

            float loss =
                    guard.step(
                            micro -> {
                                attempts.incrementAndGet();
                                return guarded.trainStep(
                                        batch, micro, guardedOptimizer, null, 0.01f, 0f, 0f);
                            });
            float reference = halves.trainStep(batch, 4, halvesOptimizer, null, 0.01f, 0f, 0f);

            // tried at 8, then 4: one optimizer step over the batch of 8 in two micro-batches
            assertThat(attempts).hasValue(2);
            assertThat(guard.microBatch()).isEqualTo(4);
            assertThat(guardedOptimizer.stepCount()).isEqualTo(1);
            assertThat(loss).isEqualTo(reference);
            assertThat(values(guarded)).containsExactlyEntriesOf(values(halves));
            // the same global batch: the loss is the mean over both halves, each seen by the
            // model as it was before the step (a fresh copy), and not the first half alone
            float firstHalf = fresh.trainingModeLoss(half(batch, 0));
            float secondHalf = fresh.trainingModeLoss(half(batch, 4));
            assertThat(loss).isCloseTo((firstHalf + secondHalf) / 2, within(1e-5f));
            assertThat(loss).isNotCloseTo(firstHalf, within(1e-3f));
            // the next step goes straight to micro-batches of 4
            attempts.set(0);
            guard.step(
                    micro -> {
                        attempts.incrementAndGet();
                        return guarded.trainStep(
                                batch(8, 4), micro, guardedOptimizer, null, 0.01f, 0f, 0f);
                    });
            assertThat(attempts).hasValue(1);
        }
    }

    @Test
    void outOfMemoryWithOnePictureGivesUpWithTheFix() {
        MicroBatching guard = new MicroBatching(8);
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(
                        () ->
                                guard.step(
                                        micro -> {
                                            attempts.incrementAndGet();
                                            throw new EngineException("CUDA out of memory");
                                        }))
                .isInstanceOf(MicroBatching.OutOfDeviceMemoryException.class)
                .hasMessageContaining("out of device memory with one picture per micro-batch")
                .hasMessageContaining("lower spec.model.classifier.imageSize");
        assertThat(attempts).hasValue(4); // 8, 4, 2, 1
        // other failures are not retried
        MicroBatching other = new MicroBatching(8);
        assertThatThrownBy(
                        () ->
                                other.step(
                                        micro -> {
                                            throw new IllegalStateException("the loss is NaN");
                                        }))
                .hasMessage("the loss is NaN");
        assertThat(other.microBatch()).isEqualTo(8);
    }

    private static Batch half(Batch batch, int from) {
        int plane = 3 * SIZE * SIZE;
        return new Batch(
                0,
                null,
                Arrays.copyOfRange(batch.pixels(), from * plane, (from + 4) * plane),
                Arrays.copyOfRange(batch.labels(), from, from + 4),
                4);
    }

    private static Batch batch(int size, long seed) {
        byte[] pixels = new byte[size * 3 * SIZE * SIZE];
        Random random = new Random(seed);
        random.nextBytes(pixels);
        long[] labels = new long[size];
        for (int i = 0; i < size; i++) {
            labels[i] = random.nextInt(CLASSES);
        }
        return new Batch(0, null, pixels, labels, size);
    }

    private static Map<String, String> values(ClassifierModel model) {
        Map<String, String> values = new LinkedHashMap<>();
        model.parameters()
                .forEach(
                        (name, parameter) -> {
                            NDArray array = parameter.getArray();
                            values.put(name, Arrays.toString(array.toFloatArray()));
                        });
        return values;
    }
}
