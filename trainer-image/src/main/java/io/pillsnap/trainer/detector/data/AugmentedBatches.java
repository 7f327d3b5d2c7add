package io.pillsnap.trainer.detector.data;

import io.pillsnap.api.detection.Box;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.LoaderPool;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The detector's training batches of one epoch in its shuffled order, each augmented (mosaic and
 * box moves) on the loader pool while the previous batch trains. Every photo draws from its own
 * seed, so a batch is the same whichever thread prepares it and whether the epoch was resumed.
 */
public final class AugmentedBatches {

    /** A batch ready for a step: {@code count} letterboxed pictures and their true boxes. */
    public record Prepared(float[] pixels, int count, List<ImageTruth> truths) {}

    private final List<BoxedPhoto> photos;
    private final DetectionAugmenter augmenter;
    private final Executor pool;
    private final long seed;
    private final int epoch;
    private final int batchSize;
    private final int batches;
    private final boolean mosaicOn;
    private final double mosaic;
    private final int plane;
    private final int[] order;
    private CompletableFuture<Prepared> next;

    /**
     * @param mosaicOn false in the mosaic-free last epochs
     * @param mosaic the share of pictures made a mosaic of four photos while it is on
     */
    public AugmentedBatches(
            List<BoxedPhoto> photos,
            int imageSize,
            long seed,
            int epoch,
            int batchSize,
            int batches,
            boolean mosaicOn,
            double mosaic,
            int workers) {
        this.photos = photos;
        this.augmenter = new DetectionAugmenter(imageSize);
        this.pool = LoaderPool.of(workers);
        this.seed = seed;
        this.epoch = epoch;
        this.batchSize = batchSize;
        this.batches = batches;
        this.mosaicOn = mosaicOn;
        this.mosaic = mosaic;
        this.plane = 3 * imageSize * imageSize;
        this.order = BatchLoader.shuffled(photos.size(), seed, epoch);
    }

    /**
     * Batch {@code batch}, the first of a resumed epoch included; the next one starts preparing.
     */
    public Prepared get(int batch) {
        Prepared prepared = (next == null ? prepare(batch) : next).join();
        next = batch + 1 < batches ? prepare(batch + 1) : null;
        return prepared;
    }

    private CompletableFuture<Prepared> prepare(int batch) {
        int first = batch * batchSize;
        int count = Math.min(batchSize, order.length - first);
        List<CompletableFuture<DetectionAugmenter.Augmented>> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int position = first + i;
            items.add(
                    CompletableFuture.supplyAsync(
                            () -> {
                                var random =
                                        new SplittableRandom(
                                                BatchLoader.mix(seed, epoch, position));
                                boolean mosaicked = mosaicOn && random.nextDouble() < mosaic;
                                return augmenter.augment(
                                        photos, order[position], mosaicked, random);
                            },
                            pool));
        }
        return CompletableFuture.allOf(items.toArray(CompletableFuture[]::new))
                .thenApply(
                        ignored -> {
                            float[] pixels = new float[count * plane];
                            List<ImageTruth> truths = new ArrayList<>();
                            for (int i = 0; i < count; i++) {
                                DetectionAugmenter.Augmented one = items.get(i).join();
                                System.arraycopy(one.pixels(), 0, pixels, i * plane, plane);
                                truths.add(truth(one.boxes()));
                            }
                            return new Prepared(pixels, count, truths);
                        });
    }

    static ImageTruth truth(List<Box> boxes) {
        return new ImageTruth(
                new int[boxes.size()],
                boxes.stream()
                        .map(b -> new double[] {b.x1(), b.y1(), b.x2(), b.y2()})
                        .toArray(double[][]::new));
    }
}
