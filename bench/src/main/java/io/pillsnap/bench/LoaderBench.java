package io.pillsnap.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.pillsnap.api.artifact.Preprocessing;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.inference.warmup.SyntheticPhoto;
import io.pillsnap.trainer.classifier.DeviceAugmentation;
import io.pillsnap.trainer.data.Augmentation;
import io.pillsnap.trainer.data.Augmenter;
import io.pillsnap.trainer.data.Batch;
import io.pillsnap.trainer.data.BatchLoader;
import io.pillsnap.trainer.data.ImageSource;
import io.pillsnap.trainer.data.ImageStore;
import io.pillsnap.trainer.data.LoaderPlan;
import io.pillsnap.trainer.data.Sample;
import io.pillsnap.trainer.data.SkipReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The trainer's loader on AIHub-size photos: training inputs per second per core (decode or store
 * read, augmentation, normalisation, batching: the trainer's own {@link ImageSource} and {@link
 * BatchLoader}) when every read decodes the photo file, and when it reads the prepared image store,
 * on the same files in one run. Nothing is held in memory between reads, as for a stage whose
 * photos do not fit the cache budget.
 */
@Command(
        name = "loader-bench",
        mixinStandardHelpOptions = true,
        description = "Training inputs per second per core: photo files against the image store.")
public final class LoaderBench implements Callable<Integer> {

    @Option(
            names = "--photos",
            defaultValue = "200",
            description = "Photos per format (default: ${DEFAULT-VALUE})")
    int photos;

    @Option(
            names = "--size",
            defaultValue = "384",
            description = "The model's input size (default: ${DEFAULT-VALUE})")
    int size;

    @Option(
            names = "--cache-scale",
            defaultValue = "1.15",
            description = "The trainer's cacheScale (default: ${DEFAULT-VALUE})")
    double cacheScale;

    @Option(names = "--workers", description = "Loader threads (default: the machine's cores)")
    Integer workers;

    @Option(
            names = "--epochs",
            defaultValue = "2",
            description = "Timed passes over the photos per case (default: ${DEFAULT-VALUE})")
    int epochs;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoaderBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
        Path folder = Files.createTempDirectory("pillsnap-loader-bench");
        System.out.printf(
                Locale.ROOT,
                "%d photos of 976 x 1280 per format, input %d px, pictures prepared at a shorter"
                        + " side of %d, %d loader threads, %d cores%n",
                photos,
                size,
                cacheSide(),
                threads,
                Runtime.getRuntime().availableProcessors());
        List<String> lines = new ArrayList<>();
        for (String format : List.of("png", "jpeg")) {
            List<Sample> samples = write(folder.resolve(format), format);
            try (ImageStore store = ImageStore.open(folder.resolve(format + "-store"), 1L << 30)) {
                long t0 = System.nanoTime();
                load(samples, new ImageSource.Prepared(store, "bench"), threads);
                double build = (System.nanoTime() - t0) / 1e9;
                for (boolean onDevice : List.of(false, true)) {
                    String where = onDevice ? "augmented on the device" : "augmented by the loader";
                    lines.add(format + " photos, " + where + ":");
                    double direct = perSecond(samples, null, threads, onDevice);
                    lines.add(line("  files, decoded on each read", direct, threads));
                    double stored = perSecond(samples, store, threads, onDevice);
                    lines.add(line("  through the image store", stored, threads));
                    lines.add(
                            String.format(Locale.ROOT, "  store / files: %.1fx", stored / direct));
                }
                lines.add(
                        String.format(
                                Locale.ROOT,
                                "  store built in %.1f s (%.1f photos/s per core), %d MB",
                                build,
                                samples.size() / build / threads,
                                storeBytes(store.folder()) >> 20));
            }
        }
        lines.add(deviceCost(threads));
        System.out.println();
        lines.forEach(System.out::println);
        return 0;
    }

    private int cacheSide() {
        return (int) Math.ceil(size * cacheScale);
    }

    private List<Sample> write(Path dir, String format) throws Exception {
        Files.createDirectories(dir);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            Path file = dir.resolve("photo-" + i + (format.equals("png") ? ".png" : ".jpg"));
            Files.write(file, SyntheticPhoto.encoded(976, 1280, i, format));
            samples.add(new Sample(file, i % 10));
        }
        return samples;
    }

    /**
     * Inputs per second per core over {@link #epochs} augmented passes; with {@code onDevice} the
     * loader only reads pictures and draws their augmentation, which the model's device applies.
     */
    private double perSecond(
            List<Sample> samples, ImageStore store, int threads, boolean onDevice) {
        ImageSource source =
                load(
                        samples,
                        store == null ? null : new ImageSource.Prepared(store, "bench"),
                        threads);
        Preprocessing preprocessing = Preprocessing.imagenet(size);
        Augmenter augmenter = new Augmenter(Augmentation.defaults(), size);
        int batch = 32;
        long t0 = System.nanoTime();
        long inputs = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            try (BatchLoader loader =
                    new BatchLoader(
                            LoaderPlan.builder()
                                    .source(source)
                                    .order(BatchLoader.shuffled(source.size(), 1, epoch))
                                    .batchSize(batch)
                                    .augmenter(augmenter)
                                    .preprocessing(preprocessing)
                                    .seed(1)
                                    .epoch(epoch)
                                    .workers(threads)
                                    .prefetch(threads * 2)
                                    .build())) {
                // as training: batches of bytes, normalised (and maybe augmented) on the device
                if (onDevice) {
                    loader.augmentOnDevice();
                } else {
                    loader.bytes();
                }
                while (loader.hasNext()) {
                    inputs += loader.next().size();
                }
            }
        }
        return inputs / ((System.nanoTime() - t0) / 1e9) / threads;
    }

    /**
     * What the device's part costs when the device is this CPU (libtorch), per input: why {@code
     * placement: auto} leaves augmentation to the loader's threads when there is no GPU.
     */
    private String deviceCost(int threads) {
        Augmenter augmenter = new Augmenter(Augmentation.defaults(), size);
        int batch = 32;
        int side = cacheSide();
        int longer = (int) Math.round(side * 1280.0 / 976);
        ImageSource.Picture[] pictures = new ImageSource.Picture[batch];
        Augmenter.Draw[] draws = new Augmenter.Draw[batch];
        for (int i = 0; i < batch; i++) {
            pictures[i] =
                    ImageSource.Picture.of(new RgbImage(side, longer, new byte[side * longer * 3]));
            draws[i] = augmenter.draw(side, longer, new java.util.Random(i));
        }
        Batch unaugmented = Batch.unaugmented(0, pictures, draws, new long[batch]);
        double best = Double.MAX_VALUE;
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            for (int round = 0; round < 4; round++) {
                try (NDManager scope = manager.newSubManager()) {
                    long t0 = System.nanoTime();
                    DeviceAugmentation.inputs(unaugmented, size, Device.cpu(), scope)
                            .sum()
                            .getFloat();
                    best = Math.min(best, (System.nanoTime() - t0) / 1e6 / batch);
                }
            }
        }
        return String.format(
                Locale.ROOT,
                "the device's augmentation on this CPU (libtorch, %d threads): %.2f ms per input",
                threads,
                best);
    }

    /** The photos with no memory cache: every read decodes the file or reads the store. */
    private ImageSource load(List<Sample> samples, ImageSource.Prepared prepared, int threads) {
        return ImageSource.load(
                samples,
                ImageSource.shrinkingTo(cacheSide()),
                prepared,
                (long) cacheSide() * cacheSide() * 4,
                threads,
                0,
                new SkipReport(),
                n -> {});
    }

    private static long storeBytes(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String line(String what, double perCore, int threads) {
        return String.format(
                Locale.ROOT,
                "%-34s %8.1f inputs/s per core (%.1f on %d threads)",
                what,
                perCore,
                perCore * threads,
                threads);
    }
}
