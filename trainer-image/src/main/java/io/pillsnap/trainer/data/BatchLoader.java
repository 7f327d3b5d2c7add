package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Produces the batches of one pass over a split on worker threads, a few batches ahead of the
 * model. Each picture's randomness is seeded from (seed, epoch, position), so an epoch's batches
 * are the same whatever the thread timing, and a resumed epoch can skip its first batches.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {

    private final ImageSource source;
    private final int[] order;
    private final int batchSize;
    private final Augmenter augmenter;
    private final Preprocessing preprocessing;
    private final long seed;
    private final int epoch;
    private final int prefetch;
    private final int batches;
    private final ExecutorService workers;
    private final Deque<Future<Batch>> pending = new ArrayDeque<>();
    private int nextToSubmit;

    /**
     * @param order sample indices of this pass
     * @param augmenter null for evaluation: the pictures are used as they are
     * @param firstBatch batches before it are skipped (a resumed epoch)
     */
    public BatchLoader(
            ImageSource source,
            int[] order,
            int batchSize,
            int firstBatch,
            Augmenter augmenter,
            Preprocessing preprocessing,
            long seed,
            int epoch,
            int workers,
            int prefetch) {
        this.source = source;
        this.order = order;
        this.batchSize = batchSize;
        this.augmenter = augmenter;
        this.preprocessing = preprocessing;
        this.seed = seed;
        this.epoch = epoch;
        this.prefetch = Math.max(1, prefetch);
        this.batches = (order.length + batchSize - 1) / batchSize;
        this.workers =
                Executors.newFixedThreadPool(
                        Math.max(1, workers),
                        r -> {
                            Thread thread = new Thread(r, "batch-loader");
                            thread.setDaemon(true);
                            return thread;
                        });
        this.nextToSubmit = firstBatch;
        fill();
    }

    public int batchCount() {
        return batches;
    }

    @Override
    public boolean hasNext() {
        return !pending.isEmpty();
    }

    @Override
    public Batch next() {
        if (pending.isEmpty()) {
            throw new NoSuchElementException();
        }
        try {
            Batch batch = pending.removeFirst().get();
            fill();
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading a batch", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "loading a batch failed: " + e.getCause(), e.getCause());
        }
    }

    private void fill() {
        while (pending.size() < prefetch && nextToSubmit < batches) {
            int index = nextToSubmit++;
            pending.addLast(workers.submit(() -> build(index)));
        }
    }

    private Batch build(int index) {
        int from = index * batchSize;
        int size = Math.min(batchSize, order.length - from);
        int pixels = 3 * preprocessing.imageSize() * preprocessing.imageSize();
        float[] images = new float[size * pixels];
        long[] labels = new long[size];
        for (int i = 0; i < size; i++) {
            int sample = order[from + i];
            RgbImage image = source.image(sample);
            byte[] rgb =
                    augmenter == null
                            ? image.pixels()
                            : augmenter.augment(image, new Random(mix(seed, epoch, from + i)));
            preprocessing.normalise(rgb, images, i * pixels);
            labels[i] = source.samples().get(sample).label();
        }
        return new Batch(index, images, labels, size);
    }

    /** A well-mixed seed for one picture (or batch) of one epoch. */
    public static long mix(long seed, int epoch, int position) {
        long h = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + position;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    /** The order of an epoch: a shuffle seeded by (seed, epoch). */
    public static int[] shuffled(int size, long seed, int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(mix(seed, epoch, -1));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }

    public static int[] sequential(int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        return order;
    }

    @Override
    public void close() {
        pending.forEach(f -> f.cancel(true));
        pending.clear();
        workers.shutdownNow();
    }
}
