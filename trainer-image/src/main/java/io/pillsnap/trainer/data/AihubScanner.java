package io.pillsnap.trainer.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pillsnap.trainer.data.AihubLayout.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the labels of one split of an AIHub dataset 576 folder and pairs them with their images.
 * Labels that do not parse, lack a drug, or whose image is missing are skipped and counted. Parsing
 * runs on a thread pool; the result is sorted, so it never depends on timing.
 */
public final class AihubScanner {

    private static final Logger log = LoggerFactory.getLogger(AihubScanner.class);
    private static final ObjectMapper JSON =
            JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private AihubScanner() {}

    public static ScanResult scan(Path root, Split split, int threads) {
        Path singles = AihubLayout.labelsRoot(root, split, AihubLayout.SINGLE);
        if (!Files.isDirectory(singles)) {
            throw new DataException(
                    "dataset path "
                            + root
                            + " has no "
                            + root.relativize(singles)
                            + " folder (expected the AIHub layout"
                            + " {train,val}/{images,labels}/{single,combination}/..., see"
                            + " README#data)");
        }
        SkipReport skipped = new SkipReport();
        List<Callable<Optional<LabelledImage>>> singleTasks = new ArrayList<>();
        List<Path> singleLabels = labelFiles(singles);
        for (Path label : singleLabels) {
            singleTasks.add(() -> parse(label, split, false, skipped));
        }
        List<LabelledImage> single = parseAll(singleTasks, threads);
        skipUnlabelled(root, split, AihubLayout.SINGLE, singleLabels, skipped);
        Path combos = AihubLayout.labelsRoot(root, split, AihubLayout.COMBINATION);
        List<LabelledImage> combination = List.of();
        Map<Path, List<Path>> comboLabels =
                Files.isDirectory(combos) ? photoLabels(labelFiles(combos)) : Map.of();
        if (!comboLabels.isEmpty()) {
            List<Callable<Optional<LabelledImage>>> comboTasks = new ArrayList<>();
            comboLabels.forEach(
                    (photo, files) ->
                            comboTasks.add(() -> parseCombination(photo, files, split, skipped)));
            combination = parseAll(comboTasks, threads);
        }
        skipUnlabelled(
                root, split, AihubLayout.COMBINATION, List.copyOf(comboLabels.keySet()), skipped);
        log.info(
                "scanned {}: {} single-pill and {} combination pictures, skipped {}",
                root.resolve(split.folder()),
                single.size(),
                combination.size(),
                skipped);
        return new ScanResult(single, combination, skipped);
    }

    /**
     * Counts every photo under {@code images/<kind>} that no label file names (a label's image path
     * is {@link AihubLayout#imageFor}), so that no photo of the dataset goes unaccounted for.
     */
    private static void skipUnlabelled(
            Path root, Split split, String kind, List<Path> labels, SkipReport skipped) {
        Path images = AihubLayout.imagesRoot(root, split, kind);
        if (!Files.isDirectory(images)) {
            return;
        }
        Set<Path> labelled = new HashSet<>();
        for (Path label : labels) {
            labelled.add(AihubLayout.imageFor(label, split));
        }
        try (Stream<Path> files = Files.walk(images)) {
            files.filter(AihubScanner::isPhoto)
                    .filter(photo -> !labelled.contains(photo))
                    .sorted()
                    .forEach(
                            photo ->
                                    skipped.skip(
                                            SkipReport.Reason.MISSING_LABEL,
                                            photo,
                                            "no label file (expected "
                                                    + root.relativize(
                                                            AihubLayout.labelFor(photo, split))
                                                    + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list photos under " + images, e);
        }
    }

    private static boolean isPhoto(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return !name.startsWith("._")
                && (name.endsWith(".png")
                        || name.endsWith(".jpg")
                        || name.endsWith(".jpeg")
                        || name.endsWith(".bmp"))
                && Files.isRegularFile(file);
    }

    private static List<Path> labelFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().startsWith("._"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list labels under " + folder, e);
        }
    }

    private static List<LabelledImage> parseAll(
            List<Callable<Optional<LabelledImage>>> tasks, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<Optional<LabelledImage>>> parsed = pool.invokeAll(tasks);
            List<LabelledImage> found = new ArrayList<>();
            for (Future<Optional<LabelledImage>> future : parsed) {
                future.get().ifPresent(found::add);
            }
            found.sort(Comparator.comparing(LabelledImage::image));
            return found;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scanning labels", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("scanning labels failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The label files of each combination photo, by the path its single label file would have
     * ({@code <codes>_json/<stem>.json}). AIHub publishes one file per drug of the photo, in a
     * folder per K-code inside {@code <codes>_json/}; a photo may also have one file with all its
     * boxes. Both are read, and all files of a photo are merged, so that no pill of it is left
     * unlabelled.
     */
    public static Map<Path, List<Path>> photoLabels(List<Path> files) {
        Map<Path, List<Path>> photos = new TreeMap<>();
        for (Path file : files) {
            Path folder = file.getParent();
            boolean perDrug =
                    !folder.getFileName().toString().endsWith("_json")
                            && folder.getParent() != null
                            && folder.getParent().getFileName().toString().endsWith("_json");
            Path photo = perDrug ? folder.getParent().resolve(file.getFileName()) : file;
            photos.computeIfAbsent(photo, p -> new ArrayList<>()).add(file);
        }
        return photos;
    }

    static Optional<LabelledImage> parseCombination(
            Path photo, List<Path> files, Split split, SkipReport skipped) {
        AihubLabel.ImageInfo first = null;
        List<LabelledImage.Box> boxes = new ArrayList<>();
        for (Path file : files) {
            Optional<AihubLabel> parsed = read(file, skipped);
            if (parsed.isEmpty()) {
                continue;
            }
            first = first == null ? parsed.get().images().get(0) : first;
            for (LabelledImage.Box box : BoxDrugs.boxes(parsed.get(), file)) {
                merge(boxes, box);
            }
        }
        if (first == null) {
            return Optional.empty();
        }
        Path image = AihubLayout.imageFor(photo, split);
        if (!Files.isRegularFile(image)) {
            skipped.skip(SkipReport.Reason.MISSING_IMAGE, image, "label " + photo.getFileName());
            return Optional.empty();
        }
        String kCode = BoxDrugs.kCodeOf(first);
        if (kCode == null) {
            kCode =
                    boxes.stream()
                            .map(LabelledImage.Box::kCode)
                            .filter(java.util.Objects::nonNull)
                            .findFirst()
                            .orElse(AihubLayout.codeFolderOf(photo));
        }
        return Optional.of(new LabelledImage(image, photo, kCode, first, true, boxes));
    }

    /**
     * Adds {@code box} unless the photo has it already (the same pill in a drug's own file and in a
     * file of all boxes); the copy that knows its drug is kept.
     */
    private static void merge(List<LabelledImage.Box> boxes, LabelledImage.Box box) {
        for (int i = 0; i < boxes.size(); i++) {
            LabelledImage.Box known = boxes.get(i);
            if (known.x() == box.x()
                    && known.y() == box.y()
                    && known.width() == box.width()
                    && known.height() == box.height()) {
                if (known.kCode() == null && box.kCode() != null) {
                    boxes.set(i, box);
                }
                return;
            }
        }
        boxes.add(box);
    }

    static Optional<LabelledImage> parse(
            Path label, Split split, boolean combination, SkipReport skipped) {
        Optional<AihubLabel> parsed = read(label, skipped);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Path image = AihubLayout.imageFor(label, split);
        if (!Files.isRegularFile(image)) {
            skipped.skip(SkipReport.Reason.MISSING_IMAGE, image, "label " + label.getFileName());
            return Optional.empty();
        }
        AihubLabel.ImageInfo drug = parsed.get().images().get(0);
        String kCode = BoxDrugs.kCodeOf(drug);
        if (kCode == null) {
            kCode = AihubLayout.codeFolderOf(label);
        }
        if (!combination && !BoxDrugs.isKCode(kCode)) {
            skipped.skip(SkipReport.Reason.BAD_LABEL, label, "no K-code for the drug");
            return Optional.empty();
        }
        return Optional.of(
                new LabelledImage(
                        image,
                        label,
                        kCode,
                        drug,
                        combination,
                        BoxDrugs.boxes(parsed.get(), label)));
    }

    /** The label in {@code file}, or empty (counted) when it does not parse or names no image. */
    private static Optional<AihubLabel> read(Path file, SkipReport skipped) {
        AihubLabel parsed;
        try {
            parsed = JSON.readValue(file.toFile(), AihubLabel.class);
        } catch (IOException | RuntimeException e) {
            skipped.skip(SkipReport.Reason.BAD_LABEL, file, firstLine(e.getMessage()));
            return Optional.empty();
        }
        if (parsed.images().isEmpty()) {
            skipped.skip(SkipReport.Reason.BAD_LABEL, file, "no images entry");
            return Optional.empty();
        }
        return Optional.of(parsed);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
