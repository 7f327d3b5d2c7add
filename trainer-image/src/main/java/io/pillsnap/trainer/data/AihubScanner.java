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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
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
        for (Path label : labelFiles(singles)) {
            singleTasks.add(() -> parse(label, split, false, skipped));
        }
        List<LabelledImage> single = parseAll(singleTasks, threads);
        Path combos = AihubLayout.labelsRoot(root, split, AihubLayout.COMBINATION);
        List<LabelledImage> combination = List.of();
        if (Files.isDirectory(combos)) {
            List<Callable<Optional<LabelledImage>>> comboTasks = new ArrayList<>();
            photoLabels(labelFiles(combos))
                    .forEach(
                            (photo, files) ->
                                    comboTasks.add(
                                            () -> parseCombination(photo, files, split, skipped)));
            combination = parseAll(comboTasks, threads);
        }
        log.info(
                "scanned {}: {} single-pill and {} combination pictures, skipped {}",
                root.resolve(split.folder()),
                single.size(),
                combination.size(),
                skipped);
        return new ScanResult(single, combination, skipped);
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
            AihubLabel parsed;
            try {
                parsed = JSON.readValue(file.toFile(), AihubLabel.class);
            } catch (IOException | RuntimeException e) {
                skipped.skip(SkipReport.Reason.BAD_LABEL, file, firstLine(e.getMessage()));
                continue;
            }
            if (parsed.images().isEmpty()) {
                skipped.skip(SkipReport.Reason.BAD_LABEL, file, "no images entry");
                continue;
            }
            AihubLabel.ImageInfo drug = parsed.images().get(0);
            first = first == null ? drug : first;
            String folderCode = file.getParent().getFileName().toString();
            String code =
                    drug.kCode() != null && !drug.kCode().isBlank()
                            ? drug.kCode()
                            : folderCode.startsWith("K-") ? folderCode : null;
            for (LabelledImage.Box box : boxes(parsed, code)) {
                if (!boxes.contains(box)) {
                    boxes.add(box);
                }
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
        String kCode =
                first.kCode() != null && !first.kCode().isBlank()
                        ? first.kCode()
                        : AihubLayout.codeFolderOf(photo);
        return Optional.of(new LabelledImage(image, photo, kCode, first, true, boxes));
    }

    static Optional<LabelledImage> parse(
            Path label, Split split, boolean combination, SkipReport skipped) {
        AihubLabel parsed;
        try {
            parsed = JSON.readValue(label.toFile(), AihubLabel.class);
        } catch (IOException | RuntimeException e) {
            skipped.skip(SkipReport.Reason.BAD_LABEL, label, firstLine(e.getMessage()));
            return Optional.empty();
        }
        if (parsed.images().isEmpty()) {
            skipped.skip(SkipReport.Reason.BAD_LABEL, label, "no images entry");
            return Optional.empty();
        }
        Path image = AihubLayout.imageFor(label, split);
        if (!Files.isRegularFile(image)) {
            skipped.skip(SkipReport.Reason.MISSING_IMAGE, image, "label " + label.getFileName());
            return Optional.empty();
        }
        AihubLabel.ImageInfo drug = parsed.images().get(0);
        String kCode =
                drug.kCode() != null && !drug.kCode().isBlank()
                        ? drug.kCode()
                        : AihubLayout.codeFolderOf(label);
        if (!combination && !kCode.startsWith("K-")) {
            skipped.skip(SkipReport.Reason.BAD_LABEL, label, "no K-code for the drug");
            return Optional.empty();
        }
        return Optional.of(
                new LabelledImage(image, label, kCode, drug, combination, boxes(parsed, kCode)));
    }

    private static List<LabelledImage.Box> boxes(AihubLabel label, String defaultCode) {
        Map<Integer, String> categories =
                label.categories().stream()
                        .filter(c -> c.id() != null && c.name() != null)
                        .collect(
                                Collectors.toMap(
                                        AihubLabel.Category::id,
                                        AihubLabel.Category::name,
                                        (a, b) -> a));
        List<LabelledImage.Box> boxes = new ArrayList<>();
        for (AihubLabel.Annotation annotation : label.annotations()) {
            List<Double> bbox = annotation.bbox();
            if (bbox == null || bbox.size() != 4 || bbox.get(2) <= 0 || bbox.get(3) <= 0) {
                continue;
            }
            String code = categories.getOrDefault(annotation.categoryId(), defaultCode);
            boxes.add(
                    new LabelledImage.Box(
                            bbox.get(0), bbox.get(1), bbox.get(2), bbox.get(3), code));
        }
        return boxes;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return null;
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
