package io.pillsnap.trainer.report;

import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ImageDecoder.UnreadableImageException;
import io.pillsnap.api.artifact.Resampler;
import io.pillsnap.api.artifact.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small JPEG copies, in report/examples/SET/, of photos behind the most-confused pairs: a few of
 * the mistake itself and one photo of the class answered, to compare with. A photo that cannot be
 * read is left out; only writing into the report folder may fail.
 */
final class ExampleThumbnails {

    static final int PER_PAIR = 3;
    static final int MAX_SIDE = 128;
    static final String FOLDER = "examples";

    /** Photos tried per pair, so that an unreadable one or two still leave three. */
    private static final int CANDIDATES = 2 * PER_PAIR;

    private static final Logger log = LoggerFactory.getLogger(ExampleThumbnails.class);

    /** A thumbnail: its path relative to the report folder, its size, the photo's file name. */
    record Thumbnail(String file, int width, int height, String photo) {}

    /** The thumbnails of one pair; {@code reference} is null when no photo of it could be shown. */
    record PairExamples(List<Thumbnail> mistakes, Thumbnail reference) {}

    private final Path reportFolder;
    private final EvaluatedSet set;
    private final Map<Integer, Thumbnail> references = new HashMap<>();
    private int unreadable;
    private String firstUnreadable;

    private ExampleThumbnails(Path reportFolder, EvaluatedSet set) {
        this.reportFolder = reportFolder;
        this.set = set;
    }

    /** Writes the thumbnails of {@code pairs}; none when the set came without its photos. */
    static Map<ConfusedPair, PairExamples> write(
            Path reportFolder, EvaluatedSet set, List<ConfusedPair> pairs) {
        ExampleThumbnails thumbnails = new ExampleThumbnails(reportFolder, set);
        thumbnails.removeEarlierThumbnails();
        if (set.images().isEmpty() || pairs.isEmpty()) {
            return Map.of();
        }
        Map<ConfusedPair, PairExamples> examples = thumbnails.writeAll(pairs);
        if (thumbnails.unreadable > 0) {
            log.warn(
                    "evaluation report: {} example photos of the {} set could not be read and"
                            + " are left out (first: {})",
                    thumbnails.unreadable,
                    set.name(),
                    thumbnails.firstUnreadable);
        }
        return examples;
    }

    private Map<ConfusedPair, PairExamples> writeAll(List<ConfusedPair> pairs) {
        Map<Long, List<Integer>> mistakes = new HashMap<>();
        Map<Integer, List<Integer>> answeredClassPhotos = new HashMap<>();
        for (ConfusedPair pair : pairs) {
            mistakes.put(key(pair.trueClass(), pair.predictedClass()), new ArrayList<>());
            answeredClassPhotos.put(pair.predictedClass(), new ArrayList<>());
        }
        int[] labels = set.evaluation().labels();
        int[] predictions = set.evaluation().predictions();
        for (int i = 0; i < labels.length; i++) {
            addCandidate(mistakes.get(key(labels[i], predictions[i])), i);
            addCandidate(answeredClassPhotos.get(labels[i]), i);
        }
        Map<ConfusedPair, PairExamples> examples = new LinkedHashMap<>();
        for (ConfusedPair pair : pairs) {
            List<Thumbnail> written = new ArrayList<>();
            List<Integer> candidates = mistakes.get(key(pair.trueClass(), pair.predictedClass()));
            for (int i = 0; i < candidates.size() && written.size() < PER_PAIR; i++) {
                String name =
                        String.format(
                                Locale.ROOT,
                                "%d-as-%d-%d.jpg",
                                pair.trueClass(),
                                pair.predictedClass(),
                                written.size() + 1);
                Thumbnail thumbnail = thumbnail(candidates.get(i), name);
                if (thumbnail != null) {
                    written.add(thumbnail);
                }
            }
            Thumbnail reference =
                    references.computeIfAbsent(
                            pair.predictedClass(),
                            c -> firstReadable(answeredClassPhotos.get(c), "class-" + c + ".jpg"));
            examples.put(pair, new PairExamples(List.copyOf(written), reference));
        }
        return examples;
    }

    private static void addCandidate(List<Integer> candidates, int image) {
        if (candidates != null && candidates.size() < CANDIDATES) {
            candidates.add(image);
        }
    }

    private Thumbnail firstReadable(List<Integer> candidates, String name) {
        for (int index : candidates) {
            Thumbnail thumbnail = thumbnail(index, name);
            if (thumbnail != null) {
                return thumbnail;
            }
        }
        return null;
    }

    /** Reads, shrinks and writes one photo; null when the photo cannot be read. */
    private Thumbnail thumbnail(int imageIndex, String name) {
        Path photo = set.images().get(imageIndex);
        RgbImage image;
        try {
            image = ImageDecoder.decode(photo, ImageDecoder.DEFAULT_MAX_PIXELS);
        } catch (UnreadableImageException e) {
            unreadable++;
            if (firstUnreadable == null) {
                firstUnreadable = photo + ": " + e.getMessage();
            }
            return null;
        }
        BufferedImage small = shrink(image);
        Path file = folder().resolve(name);
        EvaluationReport.writeFile(file, jpeg(small, file));
        return new Thumbnail(
                FOLDER + "/" + set.name() + "/" + name,
                small.getWidth(),
                small.getHeight(),
                String.valueOf(photo.getFileName()));
    }

    private static BufferedImage shrink(RgbImage image) {
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(image.width(), image.height()));
        int width = Math.max(1, (int) Math.round(image.width() * scale));
        int height = Math.max(1, (int) Math.round(image.height() * scale));
        return Resampler.resize(image, width, height).toBufferedImage();
    }

    private static byte[] jpeg(BufferedImage image, Path file) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "jpg", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + file, e);
        }
    }

    /** examples/SET/: one folder per set, so that a report written again starts it empty. */
    private Path folder() {
        return reportFolder.resolve(FOLDER).resolve(set.name());
    }

    /** Thumbnails of an earlier report of this set would otherwise linger beside the new ones. */
    private void removeEarlierThumbnails() {
        Path folder = folder();
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear old thumbnails in " + folder, e);
        }
    }

    private static long key(int trueClass, int predictedClass) {
        return (long) trueClass << 32 | predictedClass;
    }
}
