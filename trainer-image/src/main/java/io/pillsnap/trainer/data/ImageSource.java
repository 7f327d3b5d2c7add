package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ImageDecoder.UnreadableImageException;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.Resampler;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.ComboPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoded pictures of a split after a fixed transform: for training, shrunk so that the shorter
 * side is a little more than the model's input (room for random crops); for evaluation, the
 * preprocessing's centre square, exactly as the inference server computes it. Held in memory when
 * they fit the budget; otherwise decoded again on each read.
 */
public final class ImageSource {

    private static final Logger log = LoggerFactory.getLogger(ImageSource.class);

    private final List<Sample> samples;
    private final RgbImage[] cached;
    private final LruImageCache recent;
    private final Transform transform;
    private final Prepared prepared;

    /**
     * A fixed transform of decoded photos, and the shorter side it needs them decoded at (0: whole;
     * see {@link ImageDecoder#decode(Path, long, int)}).
     */
    @FunctionalInterface
    public interface Transform extends UnaryOperator<RgbImage> {

        default int decodeSide() {
            return 0;
        }

        static Transform of(int decodeSide, UnaryOperator<RgbImage> transform) {
            return new Transform() {
                @Override
                public RgbImage apply(RgbImage image) {
                    return transform.apply(image);
                }

                @Override
                public int decodeSide() {
                    return decodeSide;
                }
            };
        }
    }

    /** Where prepared pictures are kept across runs, and the name of the preparation. */
    public record Prepared(ImageStore store, String preparation) {}

    private ImageSource(
            List<Sample> samples,
            RgbImage[] cached,
            LruImageCache recent,
            Transform transform,
            Prepared prepared) {
        this.samples = samples;
        this.cached = cached;
        this.recent = recent;
        this.transform = transform;
        this.prepared = prepared;
    }

    /** For training: pictures whose shorter side is at most {@code side}. */
    public static Transform shrinkingTo(int side) {
        return Transform.of(side, image -> shrink(image, side));
    }

    /** For evaluation: the model's input square, decoded and cut exactly as the server does. */
    public static Transform servedAs(Preprocessing preprocessing) {
        return Transform.of(preprocessing.decodeSide(), preprocessing::square);
    }

    /**
     * Decodes every sample once; unreadable pictures are reported to {@code skipped} and left out.
     *
     * @param memoryBudget bytes the cache may use: all pictures when they fit, else the most
     *     recently used ones (an LRU cache of that many bytes), the others decoded on each read
     */
    public static ImageSource load(
            List<Sample> samples,
            Transform transform,
            long bytesPerImage,
            int threads,
            long memoryBudget,
            SkipReport skipped,
            IntConsumer progress) {
        return load(
                samples, transform, null, bytesPerImage, threads, memoryBudget, skipped, progress);
    }

    /**
     * As above, reading each picture from {@code prepared}'s store when it holds it and storing the
     * ones it prepares; null: no store.
     */
    public static ImageSource load(
            List<Sample> samples,
            Transform transform,
            Prepared prepared,
            long bytesPerImage,
            int threads,
            long memoryBudget,
            SkipReport skipped,
            IntConsumer progress) {
        long estimate = samples.size() * bytesPerImage;
        boolean inMemory = estimate <= memoryBudget;
        LruImageCache first = inMemory ? null : new LruImageCache(memoryBudget);
        ExecutorService pool = LoaderPool.of(threads);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<RgbImage>> futures = new ArrayList<>();
            for (int s = 0; s < samples.size(); s++) {
                Sample sample = samples.get(s);
                int original = s;
                futures.add(
                        pool.submit(
                                () -> {
                                    RgbImage image =
                                            readOrNull(sample, transform, prepared, skipped);
                                    progress.accept(done.incrementAndGet());
                                    if (inMemory || image == null) {
                                        return image;
                                    }
                                    first.put(original, image);
                                    return new RgbImage(0, 0, new byte[0]);
                                }));
            }
            List<Sample> readable = new ArrayList<>();
            List<RgbImage> images = new ArrayList<>();
            LruImageCache recent = inMemory ? null : new LruImageCache(memoryBudget);
            for (int i = 0; i < samples.size(); i++) {
                RgbImage image = futures.get(i).get();
                if (image != null) {
                    if (recent != null) {
                        // the first pass's pictures, under their index among the readable ones
                        RgbImage kept = first.take(i);
                        if (kept != null) {
                            recent.put(readable.size(), kept);
                        }
                    }
                    readable.add(samples.get(i));
                    images.add(image);
                }
            }
            if (!inMemory && memoryBudget > 0) {
                log.info(
                        "{} pictures need about {} MB, over the {} MB cache budget: the {}"
                                + " most recently used are kept, the others decoded on each read",
                        samples.size(),
                        estimate >> 20,
                        memoryBudget >> 20,
                        recent.size());
            }
            return new ImageSource(
                    List.copyOf(readable),
                    inMemory ? images.toArray(RgbImage[]::new) : null,
                    recent,
                    transform,
                    prepared);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding pictures", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("decoding pictures failed", e.getCause());
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    public int size() {
        return samples.size();
    }

    public RgbImage image(int index) {
        if (cached != null) {
            return cached[index];
        }
        RgbImage held = recent.get(index);
        return held != null ? held : readAndKeep(index);
    }

    /**
     * Reads a picture that is not held in memory (store or photo) and keeps it in the LRU cache.
     */
    private RgbImage readAndKeep(int index) {
        RgbImage image = readOrNull(samples.get(index), transform, prepared, null);
        if (image == null) {
            throw new IllegalStateException(
                    "picture became unreadable: " + samples.get(index).image());
        }
        recent.put(index, image);
        return image;
    }

    /**
     * A picture to copy into a batch: from memory when held there; from the image store, only its
     * size until the copy, which goes straight from the store's memory map into the batch.
     */
    public Picture picture(int index) {
        if (cached == null) {
            RgbImage held = recent.get(index);
            if (held != null) {
                return new Held(held);
            }
            if (prepared != null) {
                byte[] key = ImageStore.key(samples.get(index), prepared.preparation());
                int[] size = prepared.store().size(key);
                if (size != null) {
                    return new Stored(index, key, size[0], size[1]);
                }
            }
            return new Held(readAndKeep(index));
        }
        return new Held(cached[index]);
    }

    /** A picture's size, and its pixels copied on demand into a batch's slot. */
    public sealed interface Picture {
        int width();

        int height();

        /** Copies the rows into {@code target} from {@code offset}, {@code rowStride} apart. */
        void copyTo(byte[] target, int offset, int rowStride);

        static Picture of(RgbImage image) {
            return new Held(image);
        }
    }

    private record Held(RgbImage image) implements Picture {
        @Override
        public int width() {
            return image.width();
        }

        @Override
        public int height() {
            return image.height();
        }

        @Override
        public void copyTo(byte[] target, int offset, int rowStride) {
            int row = image.width() * 3;
            for (int y = 0; y < image.height(); y++) {
                System.arraycopy(image.pixels(), y * row, target, offset + y * rowStride, row);
            }
        }
    }

    private final class Stored implements Picture {
        private final int index;
        private final byte[] key;
        private final int width;
        private final int height;

        Stored(int index, byte[] key, int width, int height) {
            this.index = index;
            this.key = key;
            this.width = width;
            this.height = height;
        }

        @Override
        public int width() {
            return width;
        }

        @Override
        public int height() {
            return height;
        }

        @Override
        public void copyTo(byte[] target, int offset, int rowStride) {
            if (prepared.store().copyTo(key, target, offset, rowStride)) {
                return;
            }
            // dropped as damaged since its size was read: prepared again from the photo
            RgbImage image = readAndKeep(index);
            if (image.width() != width || image.height() != height) {
                throw new IllegalStateException(
                        "the picture of "
                                + samples.get(index).image()
                                + " was prepared anew at "
                                + image.width()
                                + " x "
                                + image.height()
                                + ", its stored copy said "
                                + width
                                + " x "
                                + height
                                + ": delete the image store "
                                + prepared.store().folder()
                                + " and run again");
            }
            new Held(image).copyTo(target, offset, rowStride);
        }
    }

    public boolean inMemory() {
        return cached != null;
    }

    /** The LRU cache when not all pictures fit the budget; null when all are held. */
    public LruImageCache recent() {
        return recent;
    }

    private static RgbImage readOrNull(
            Sample sample, Transform transform, Prepared prepared, SkipReport skipped) {
        if (prepared == null) {
            return readOrNull(sample, transform, skipped);
        }
        byte[] key = ImageStore.key(sample, prepared.preparation());
        RgbImage stored = prepared.store().get(key);
        if (stored != null) {
            return stored;
        }
        RgbImage image = readOrNull(sample, transform, skipped);
        if (image != null) {
            prepared.store().put(key, image);
        }
        return image;
    }

    private static RgbImage readOrNull(Sample sample, Transform transform, SkipReport skipped) {
        Path file = sample.image();
        try {
            // a pill's box is in the whole photo's pixels
            int decodeSide = sample.pill() == null ? transform.decodeSide() : 0;
            RgbImage photo = ImageDecoder.decode(file, ImageDecoder.DEFAULT_MAX_PIXELS, decodeSide);
            if (sample.pill() != null) {
                photo =
                        ComboPipeline.crop(
                                photo,
                                ComboPipeline.cropRegion(
                                        sample.pill(), photo.width(), photo.height()));
            }
            return transform.apply(photo);
        } catch (UnreadableImageException e) {
            if (skipped != null) {
                skipped.skip(SkipReport.Reason.UNREADABLE_IMAGE, file, e.getMessage());
            }
            return null;
        }
    }

    /**
     * Area-resamples so the shorter side is {@code side}; smaller pictures are kept as they are.
     */
    static RgbImage shrink(RgbImage image, int side) {
        int shorter = Math.min(image.width(), image.height());
        if (shorter <= side) {
            return image;
        }
        double scale = (double) side / shorter;
        int width = Math.max(side, (int) Math.round(image.width() * scale));
        int height = Math.max(side, (int) Math.round(image.height() * scale));
        return new RgbImage(
                width,
                height,
                Resampler.resample(image, 0, 0, image.width(), image.height(), width, height));
    }
}
