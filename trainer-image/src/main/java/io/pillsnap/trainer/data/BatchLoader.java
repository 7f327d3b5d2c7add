package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Produces the batches of one pass over a split a few batches ahead of the model: each picture is
 * its own task on the {@link LoaderPool}, so all workers serve the next batch first. Each picture's
 * randomness is seeded from (seed, epoch, position), so an epoch's batches are the same whatever
 * the thread timing, and a resumed epoch can skip its first batches. Batches hold normalised
 * inputs, or the pictures' bytes for the model to normalise on its device ({@link #bytes()}).
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
    private final Deque<CompletableFuture<Batch>> pending = new ArrayDeque<>();
    private boolean asBytes;
    private boolean augmentOnDevice;
    private volatile boolean closed;
    private int nextToSubmit;

    public BatchLoader(LoaderPlan plan) {
        this.source = plan.source();
        this.order = plan.order();
        this.batchSize = plan.batchSize();
        this.augmenter = plan.augmenter();
        this.preprocessing = plan.preprocessing();
        this.seed = plan.seed();
        this.epoch = plan.epoch();
        this.prefetch = Math.max(1, plan.prefetch());
        this.batches = (order.length + batchSize - 1) / batchSize;
        this.workers = LoaderPool.of(plan.workers());
        this.nextToSubmit = plan.firstBatch();
    }

    /** Batches of the pictures' bytes ({@link Batch#pixels()}) instead of normalised inputs. */
    public BatchLoader bytes() {
        if (!pending.isEmpty()) {
            throw new IllegalStateException("bytes() must be chosen before the first batch");
        }
        asBytes = true;
        return this;
    }

    /**
     * Batches of the pictures as read, with each input's augmentation drawn but not applied ({@link
     * Batch#unaugmented()}): the model's device applies it, and the loader's threads only read
     * pictures. The same draws as {@link #bytes()} batches from the same seed.
     */
    public BatchLoader augmentOnDevice() {
        if (augmenter == null) {
            throw new IllegalStateException("augmentOnDevice() needs an augmenter");
        }
        bytes();
        augmentOnDevice = true;
        return this;
    }

    public int batchCount() {
        return batches;
    }

    @Override
    public boolean hasNext() {
        fill();
        return !pending.isEmpty();
    }

    @Override
    public Batch next() {
        fill();
        if (pending.isEmpty()) {
            throw new NoSuchElementException();
        }
        try {
            Batch batch = pending.removeFirst().join();
            fill();
            return batch;
        } catch (CompletionException e) {
            throw new IllegalStateException(
                    "loading a batch failed: " + e.getCause(), e.getCause());
        }
    }

    private void fill() {
        while (!closed && pending.size() < prefetch && nextToSubmit < batches) {
            pending.addLast(submit(nextToSubmit++));
        }
    }

    private CompletableFuture<Batch> submit(int index) {
        int from = index * batchSize;
        int size = Math.min(batchSize, order.length - from);
        long[] labels = new long[size];
        if (augmentOnDevice) {
            ImageSource.Picture[] pictures = new ImageSource.Picture[size];
            Augmenter.Draw[] draws = new Augmenter.Draw[size];
            return eachPicture(
                    size,
                    slot -> {
                        int position = from + slot;
                        ImageSource.Picture picture =
                                source.picture(sample(position, labels, slot));
                        pictures[slot] = picture;
                        draws[slot] =
                                augmenter.draw(
                                        picture.width(),
                                        picture.height(),
                                        new Random(mix(seed, epoch, position)));
                    },
                    () -> Batch.unaugmented(index, pictures, draws, labels));
        }
        int plane = 3 * preprocessing.imageSize() * preprocessing.imageSize();
        float[] images = asBytes ? null : new float[size * plane];
        byte[] pixels = asBytes ? new byte[size * plane] : null;
        return eachPicture(
                size,
                slot -> load(from + slot, slot, plane, images, pixels, labels),
                () -> new Batch(index, images, pixels, labels, size));
    }

    /** Each of a batch's pictures its own task on the pool, then the batch made of them. */
    private CompletableFuture<Batch> eachPicture(
            int size, IntConsumer picture, Supplier<Batch> batch) {
        CompletableFuture<?>[] photos = new CompletableFuture<?>[size];
        for (int i = 0; i < size; i++) {
            int slot = i;
            photos[i] = CompletableFuture.runAsync(() -> picture.accept(slot), workers);
        }
        return CompletableFuture.allOf(photos).thenApply(done -> batch.get());
    }

    /** The sample at {@code position} of this pass, its label put in {@code slot}. */
    private int sample(int position, long[] labels, int slot) {
        if (closed) {
            throw new CancellationException("the loader was closed");
        }
        int sample = order[position];
        labels[slot] = source.samples().get(sample).label();
        return sample;
    }

    private void load(
            int position, int slot, int plane, float[] images, byte[] pixels, long[] labels) {
        RgbImage image = source.image(sample(position, labels, slot));
        byte[] rgb =
                augmenter == null
                        ? image.pixels()
                        : augmenter.augment(image, new Random(mix(seed, epoch, position)));
        if (pixels != null) {
            planar(rgb, pixels, slot * plane);
        } else {
            preprocessing.normalise(rgb, images, slot * plane);
        }
    }

    /**
     * Interleaved RGB bytes to channel planes (CHW), written into {@code out} from {@code offset}.
     */
    public static void planar(byte[] rgb, byte[] out, int offset) {
        int pixels = rgb.length / 3;
        for (int p = 0; p < pixels; p++) {
            out[offset + p] = rgb[p * 3];
            out[offset + pixels + p] = rgb[p * 3 + 1];
            out[offset + 2 * pixels + p] = rgb[p * 3 + 2];
        }
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

    /**
     * Stops loading: pictures not started are skipped, and the ones being loaded are waited for, so
     * that nothing reads the image source (or its store) after the loader is closed.
     */
    @Override
    public void close() {
        closed = true;
        for (CompletableFuture<Batch> batch : pending) {
            try {
                batch.join();
            } catch (CompletionException | CancellationException ignored) {
                // a batch nobody will read
            }
        }
        pending.clear();
    }
}
