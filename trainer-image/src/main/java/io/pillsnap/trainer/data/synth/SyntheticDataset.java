package io.pillsnap.trainer.data.synth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a synthetic pill dataset in the on-disk format of AIHub dataset 576 (see {@link
 * io.pillsnap.trainer.data.AihubLayout}), so that tests and demos run the real loaders. The same
 * options give byte-identical files whatever the thread count, and the known drugs' files do not
 * depend on how many unknown drugs (val/ only) are written beside them.
 */
public final class SyntheticDataset {

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticDataset.class);

    /** Photos rendered ahead of the oldest unfinished one, per thread: bounds memory. */
    private static final int IN_FLIGHT_PER_THREAD = 16;

    private SyntheticDataset() {}

    /** How many photos {@link #generate} writes, for progress displays. */
    public static int plannedImages(SynthOptions options) {
        return DatasetPlan.singles(options)
                + DatasetPlan.combinations(options)
                + DatasetPlan.unknownPhotos(options);
    }

    /** The drugs {@link #generate} draws for these options, in train/ and val/. */
    public static DrugCatalogue catalogue(SynthOptions options) {
        return DrugCatalogue.create(options.classes(), options.familySize(), options.seed());
    }

    /** The drugs {@link #generate} writes to val/ only, never to train/: unknown to any stage. */
    public static DrugCatalogue unknownDrugs(SynthOptions options) {
        return DrugCatalogue.unknown(
                options.classes(),
                DatasetPlan.unknownDrugs(options),
                options.familySize(),
                options.seed());
    }

    /**
     * Generates into {@code root}, which must be absent or empty.
     *
     * @param progress told the number of photos written so far, in order, on the calling thread
     */
    public static SynthReport generate(SynthOptions options, Path root, IntConsumer progress) {
        options.requireConsistent();
        requireEmpty(root);
        long start = System.nanoTime();
        DrugCatalogue unknown = unknownDrugs(options);
        DatasetPlan plan = new DatasetPlan(options, catalogue(options), unknown);
        LOG.info(
                "Generating {} single and {} combination images of {} classes, and {} single and {}"
                        + " combination images of {} unknown drugs (val/ only), into {} with {}"
                        + " threads",
                plan.singles(),
                plan.combinations(),
                options.classes(),
                plan.unknownSingles(),
                plan.unknownCombinations(),
                unknown.size(),
                root,
                options.threads());
        PhotoWriter writer = new PhotoWriter(root, options);
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), renderThreads());
        long bytes = 0;
        try {
            Deque<Future<Long>> inFlight = new ArrayDeque<>();
            int window = options.threads() * IN_FLIGHT_PER_THREAD;
            int written = 0;
            for (int index = 0; index < plan.size(); index++) {
                PlannedPhoto photo = plan.photo(index);
                inFlight.add(pool.submit(() -> writer.write(photo)));
                if (inFlight.size() >= window) {
                    bytes += await(inFlight.poll());
                    progress.accept(++written);
                }
            }
            while (!inFlight.isEmpty()) {
                bytes += await(inFlight.poll());
                progress.accept(++written);
            }
        } finally {
            pool.shutdownNow();
        }
        SynthReport report =
                new SynthReport(
                        options.classes(),
                        plan.singles() + plan.unknownSingles(),
                        plan.combinations() + plan.unknownCombinations(),
                        unknown.size(),
                        plan.unknownSingles() + plan.unknownCombinations(),
                        bytes,
                        (System.nanoTime() - start) / 1e9);
        LOG.info("Synthetic dataset at {}: {}", root, report);
        return report;
    }

    private static void requireEmpty(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(
                        "output folder "
                                + root
                                + " is not empty: generate into a new or empty folder so that"
                                + " photos of different runs never mix");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read output folder " + root, e);
        }
    }

    private static long await(Future<Long> photo) {
        try {
            return photo.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating photos", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException("cannot write a synthetic photo", io);
            }
            throw new IllegalStateException("rendering a synthetic photo failed", e.getCause());
        }
    }

    private static ThreadFactory renderThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "synth-render-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
