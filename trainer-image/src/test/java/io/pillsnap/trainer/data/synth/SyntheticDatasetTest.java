package io.pillsnap.trainer.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.trainer.data.AihubLabel;
import io.pillsnap.trainer.data.AihubLabel.Annotation;
import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubLayout.Split;
import io.pillsnap.trainer.data.AihubScanner;
import io.pillsnap.trainer.data.LabelledImage;
import io.pillsnap.trainer.data.ScanResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticDatasetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path shared;
    private static Path root;
    private static SynthReport report;

    @TempDir Path scratch;

    @BeforeAll
    static void generateTinyDataset() {
        root = shared.resolve("tiny");
        report = SyntheticDataset.generate(tiny(), root, written -> {});
    }

    @Test
    void writesTheAihubLayout() {
        assertThat(
                        AihubLayout.imagesRoot(root, Split.TRAIN, AihubLayout.SINGLE)
                                .resolve("TS_1_single"))
                .isDirectory();
        assertThat(
                        AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.SINGLE)
                                .resolve("TL_1_single"))
                .isDirectory();
        assertThat(
                        AihubLayout.imagesRoot(root, Split.TRAIN, AihubLayout.COMBINATION)
                                .resolve("TS_1_combo"))
                .isDirectory();
        assertThat(
                        AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.COMBINATION)
                                .resolve("TL_1_combo"))
                .isDirectory();
        for (Path photo : AihubScanner.photoLabels(labels(root)).keySet()) {
            assertThat(photo.getParent().getFileName().toString()).endsWith("_json");
            assertThat(photo.getFileName().toString())
                    .startsWith(AihubLayout.codeFolderOf(photo) + "_")
                    .matches("K-\\d{6}(-\\d{6})*(_\\d+){7}\\.json");
        }
        // a combination photo's labels: one file per drug, in a folder named by its K-code
        for (Path file :
                labels(AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.COMBINATION))) {
            assertThat(file.getParent().getFileName().toString()).matches("K-\\d{6}");
            assertThat(file.getParent().getParent().getFileName().toString()).endsWith("_json");
        }
    }

    @Test
    void everyLabelHasItsImageWhereTheLoaderLooks() throws IOException {
        List<Path> labels = List.copyOf(AihubScanner.photoLabels(labels(root)).keySet());
        assertThat(labels).hasSize(report.images());
        for (Path label : labels) {
            Path image = AihubLayout.imageFor(label, splitOf(label));
            assertThat(image).isRegularFile();
            BufferedImage decoded = ImageIO.read(image.toFile());
            assertThat(decoded.getWidth()).isEqualTo(tiny().width());
            assertThat(decoded.getHeight()).isEqualTo(tiny().height());
            for (Path file : AihubScanner.photoLabels(labels(root)).get(label)) {
                assertThat(read(file).images().get(0).fileName())
                        .isEqualTo(image.getFileName().toString());
            }
        }
        assertThat(files(root, ".png")).hasSize(report.images());
    }

    @Test
    void singleLabelsDescribeTheDrugAndBoxThePill() {
        DrugCatalogue catalogue = SyntheticDataset.catalogue(tiny());
        List<Path> singles = labels(AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.SINGLE));
        assertThat(singles).isNotEmpty();
        for (Path file : singles) {
            AihubLabel label = read(file);
            String code = AihubLayout.codeFolderOf(file);
            SyntheticDrug drug =
                    catalogue.drugs().stream()
                            .filter(d -> d.kCode().equals(code))
                            .findFirst()
                            .orElseThrow();
            AihubLabel.ImageInfo info = label.images().get(0);
            assertThat(label.images()).hasSize(1);
            assertThat(info.kCode()).isEqualTo(code);
            assertThat(info.drugNumber()).isEqualTo(code);
            assertThat(info.ediCode()).isEqualTo(drug.ediCode()).matches("\\d{9}");
            assertThat(info.drugName()).isEqualTo(drug.name());
            assertThat(info.company()).isEqualTo(drug.company());
            assertThat(info.shape()).isEqualTo(drug.shape().label());
            assertThat(info.color1()).isEqualTo(drug.color1().label());
            assertThat(info.printFront()).isEqualTo(drug.printFront());
            assertThat(info.printBack()).isEqualTo(drug.printBack());
            assertThat(label.annotations())
                    .singleElement()
                    .satisfies(
                            box -> {
                                assertThat(box.imageId()).isEqualTo(1);
                                assertThat(box.id()).isEqualTo(1);
                                assertInsideImage(box);
                                // single photos are close-ups: the pill spans 40-65% of the width
                                assertThat(Math.max(box.bbox().get(2), box.bbox().get(3)))
                                        .isGreaterThan(0.3 * tiny().width());
                            });
            assertPublishedCategory(label);
        }
    }

    @Test
    void combinationLabelsBoxTwoToSixDistinctDrugs() {
        List<Path> files =
                labels(AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.COMBINATION));
        files.addAll(labels(AihubLayout.labelsRoot(root, Split.VAL, AihubLayout.COMBINATION)));
        Map<Path, List<Path>> photos = AihubScanner.photoLabels(files);
        assertThat(photos).hasSize(report.combinationImages()).isNotEmpty();
        photos.forEach(
                (photo, perDrug) -> {
                    assertThat(perDrug).hasSizeBetween(2, 6);
                    List<String> codes = new java.util.ArrayList<>();
                    for (Path file : perDrug) {
                        AihubLabel label = read(file);
                        String code = file.getParent().getFileName().toString();
                        codes.add(code);
                        assertThat(label.images())
                                .singleElement()
                                .satisfies(
                                        info -> {
                                            assertThat(info.kCode()).isEqualTo(code);
                                            assertThat(info.fileName())
                                                    .isEqualTo(
                                                            photo.getFileName()
                                                                    .toString()
                                                                    .replace(".json", ".png"));
                                        });
                        assertPublishedCategory(label);
                        assertThat(label.annotations()).isNotEmpty();
                        for (Annotation box : label.annotations()) {
                            assertInsideImage(box);
                            assertThat(box.categoryId()).isEqualTo(label.categories().get(0).id());
                        }
                    }
                    assertThat(codes).doesNotHaveDuplicates().isSorted();
                    assertThat(AihubLayout.codeFolderOf(photo))
                            .isEqualTo(
                                    codes.get(0)
                                            + codes.stream()
                                                    .skip(1)
                                                    .map(code -> "-" + code.substring(2))
                                                    .collect(Collectors.joining()));
                });
    }

    @Test
    void testFractionMovesAShareOfEveryFolderToValAndKeepsTheRestForTraining() {
        Map<String, Long> valPerCode =
                countByCode(labels(AihubLayout.labelsRoot(root, Split.VAL, AihubLayout.SINGLE)));
        Map<String, Long> trainPerCode =
                countByCode(labels(AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.SINGLE)));

        assertThat(trainPerCode).containsOnlyKeys(codes(SyntheticDataset.catalogue(tiny())));
        assertThat(trainPerCode.values()).containsOnly(2L);
        // the known drugs' folders, and the unknown drugs' with as many photos each
        assertThat(valPerCode)
                .hasSize(tiny().classes() + 2)
                .containsKeys(trainPerCode.keySet().toArray(String[]::new))
                .containsKeys(codes(SyntheticDataset.unknownDrugs(tiny())).toArray(String[]::new));
        assertThat(valPerCode.values()).containsOnly(1L);
        assertThat(
                        AihubLayout.labelsRoot(root, Split.VAL, AihubLayout.SINGLE)
                                .resolve("VL_1_single"))
                .isDirectory();
    }

    @Test
    void unknownDrugsAreOnlyInValWhereTheScannerReadsThemAsDrugsOfTheirOwn() {
        List<String> known = codes(SyntheticDataset.catalogue(tiny()));
        DrugCatalogue unknown = SyntheticDataset.unknownDrugs(tiny());
        List<String> unknownCodes = codes(unknown);
        ScanResult train = AihubScanner.scan(root, Split.TRAIN, 2);
        ScanResult val = AihubScanner.scan(root, Split.VAL, 2);

        assertThat(unknownCodes).hasSize(2).doesNotContainAnyElementsOf(known);
        assertThat(train.singles()).extracting(LabelledImage::kCode).containsAll(known);
        assertThat(pillCodes(train.singles())).doesNotContainAnyElementsOf(unknownCodes);
        assertThat(pillCodes(train.combinations())).doesNotContainAnyElementsOf(unknownCodes);
        assertThat(train.skipped().total()).isZero();
        assertThat(val.skipped().total()).isZero();
        for (SyntheticDrug drug : unknown.drugs()) {
            assertThat(val.singles())
                    .filteredOn(photo -> photo.kCode().equals(drug.kCode()))
                    .singleElement()
                    .satisfies(
                            photo -> {
                                assertThat(photo.drug().ediCode()).isEqualTo(drug.ediCode());
                                assertThat(photo.drug().drugName()).isEqualTo(drug.name());
                                assertThat(photo.boxes())
                                        .singleElement()
                                        .extracting(LabelledImage.Box::kCode)
                                        .isEqualTo(drug.kCode());
                            });
        }
        // ceil(0.2 x 2 val combination photos): one more, with an unknown pill among others
        assertThat(val.combinations()).hasSize(3);
        assertThat(val.combinations())
                .filteredOn(
                        photo ->
                                photo.boxes().stream()
                                        .anyMatch(box -> unknownCodes.contains(box.kCode())))
                .singleElement()
                .satisfies(photo -> assertThat(pillCodes(List.of(photo))).hasSizeGreaterThan(1));
    }

    @Test
    void knownDrugsFilesAreTheSameWithAndWithoutUnknownDrugs() {
        Path without = scratch.resolve("without");
        SyntheticDataset.generate(tiny().withUnknownDrugRatio(0), without, written -> {});
        List<String> unknownCodes = codes(SyntheticDataset.unknownDrugs(tiny()));

        Map<String, String> withUnknowns = hashes(root);
        Map<String, String> withoutUnknowns = hashes(without);

        assertThat(withUnknowns).containsAllEntriesOf(withoutUnknowns);
        List<String> added =
                withUnknowns.keySet().stream()
                        .filter(file -> !withoutUnknowns.containsKey(file))
                        .toList();
        // 2 single photos and 1 combination photo, each a PNG and its label(s)
        assertThat(added)
                .isNotEmpty()
                .allSatisfy(
                        file ->
                                assertThat(file)
                                        .startsWith("val/")
                                        .containsAnyOf(
                                                unknownCodes.stream()
                                                        .map(code -> code.substring(2))
                                                        .toArray(String[]::new)));
        assertThat(added).filteredOn(file -> file.endsWith(".png")).hasSize(3);
    }

    @Test
    void writesAFifthAsManyUnknownDrugsAsKnownOnesWhenThereIsATestSplit() {
        SynthOptions withTestSplit = SynthOptions.defaults().withTestFraction(0.2);

        assertThat(SyntheticDataset.unknownDrugs(withTestSplit).size()).isEqualTo(10);
        // 2.4 rounded up
        assertThat(SyntheticDataset.unknownDrugs(withTestSplit.withClasses(12)).size())
                .isEqualTo(3);
        assertThat(SyntheticDataset.unknownDrugs(withTestSplit.withUnknownDrugRatio(0)).size())
                .isZero();
        // no val/, so no photo to write them in
        assertThat(SyntheticDataset.unknownDrugs(SynthOptions.defaults()).size()).isZero();
    }

    @Test
    void reportsWhatItWrote() throws IOException {
        long bytes = 0;
        for (Path file : files(root, "")) {
            bytes += Files.size(file);
        }

        assertThat(report.classes()).isEqualTo(6);
        // 6 x 3 known, and 2 unknown drugs (6 x 0.2 rounded up) with 1 val/ photo each
        assertThat(report.singleImages()).isEqualTo(20);
        // 18 x 0.34 in sets of 3, one of each set in val/, and ceil(0.2 x 2) more there
        assertThat(report.combinationImages()).isEqualTo(7);
        assertThat(report.unknownDrugs()).isEqualTo(2);
        assertThat(report.unknownImages()).isEqualTo(3);
        assertThat(report.images()).isEqualTo(SyntheticDataset.plannedImages(tiny()));
        assertThat(report.bytes()).isEqualTo(bytes);
        assertThat(report.toString())
                .contains("20 single and 7 combination images (3 of them of 2 unknown drugs");
    }

    @Test
    void leavesNoTemporaryFiles() {
        assertThat(files(root, ".tmp")).isEmpty();
    }

    @Test
    void sameSeedWritesIdenticalBytesWhateverTheThreadCount() {
        Path oneThread = scratch.resolve("one");
        SyntheticDataset.generate(tiny().withThreads(1), oneThread, written -> {});

        assertThat(hashes(oneThread)).isEqualTo(hashes(root));
    }

    @Test
    void anotherSeedDrawsOtherPhotos() {
        Path other = scratch.resolve("other");
        SyntheticDataset.generate(tiny().withSeed(7), other, written -> {});

        Map<String, String> otherHashes = hashes(other);
        assertThat(otherHashes.values()).doesNotContainAnyElementsOf(hashes(root).values());
    }

    @Test
    void reportsProgressInOrderUpToTheLastPhoto() {
        List<Integer> progress = new ArrayList<>();
        SynthOptions options = tiny().withClasses(2).withCombinationFraction(0);

        SyntheticDataset.generate(options, scratch.resolve("progress"), progress::add);

        // 2 x 3 photos, and 1 of the 1 unknown drug (2 x 0.2 rounded up)
        assertThat(progress).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void startsANewPartFolderAfter50Codes() {
        SynthOptions options =
                tiny().withClasses(51)
                        .withImagesPerClass(1)
                        .withCombinationFraction(0)
                        .withTestFraction(0)
                        .withSize(64, 80);
        Path output = scratch.resolve("parts");

        SyntheticDataset.generate(options, output, written -> {});

        Path images = AihubLayout.imagesRoot(output, Split.TRAIN, AihubLayout.SINGLE);
        assertThat(images.resolve("TS_1_single").toFile().list()).hasSize(50);
        assertThat(images.resolve("TS_2_single").toFile().list()).hasSize(1);
    }

    @Test
    void rendersAtTheRealResolution() throws IOException {
        SynthOptions options =
                tiny().withClasses(1)
                        .withImagesPerClass(1)
                        .withCombinationFraction(0)
                        .withTestFraction(0)
                        .withSize(976, 1280);
        Path output = scratch.resolve("real");

        SyntheticDataset.generate(options, output, written -> {});

        BufferedImage image = ImageIO.read(files(output, ".png").get(0).toFile());
        assertThat(image.getWidth()).isEqualTo(976);
        assertThat(image.getHeight()).isEqualTo(1280);
    }

    @Test
    void refusesAnOutputFolderThatHoldsFiles() throws IOException {
        Files.writeString(scratch.resolve("old.txt"), "earlier run");

        assertThatThrownBy(() -> SyntheticDataset.generate(tiny(), scratch, written -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(scratch.toString())
                .hasMessageContaining("not empty");
    }

    @Test
    void refusesCombinationPhotosWithOnlyOneDrug() {
        SynthOptions oneDrug = tiny().withClasses(1);

        assertThatThrownBy(() -> SyntheticDataset.generate(oneDrug, scratch, written -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("combinationFraction must be 0 when classes is 1");
        assertThat(scratch.toFile().list()).isEmpty();
    }

    /**
     * 6 classes of 3 photos at an eighth of the real resolution, one photo each to val, and the
     * default share of unknown drugs there.
     */
    private static SynthOptions tiny() {
        return SynthOptions.defaults()
                .withClasses(6)
                .withImagesPerClass(3)
                .withSize(122, 160)
                .withCombinationFraction(0.34)
                .withTestFraction(0.34)
                .withThreads(2);
    }

    /**
     * One category in one of the two published forms, AIHub's generic "Drug" or the product name
     * with the K-code's number as id, never the K-code; every box points at it.
     */
    private static void assertPublishedCategory(AihubLabel label) {
        AihubLabel.ImageInfo drug = label.images().get(0);
        assertThat(label.categories())
                .singleElement()
                .satisfies(
                        category -> {
                            assertThat(category.supercategory()).isEqualTo("pill");
                            assertThat(category.name()).doesNotStartWith("K-");
                            if ("Drug".equals(category.name())) {
                                assertThat(category.id()).isEqualTo(1);
                            } else {
                                assertThat(category.name()).isEqualTo(drug.drugName());
                                assertThat(category.id())
                                        .isEqualTo(Integer.parseInt(drug.kCode().substring(2)));
                            }
                        });
        assertThat(label.annotations())
                .allSatisfy(
                        box ->
                                assertThat(box.categoryId())
                                        .isEqualTo(label.categories().get(0).id()));
    }

    @Test
    void labelsUseBothPublishedCategoryFormsMixed() {
        List<Path> files = labels(AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.SINGLE));
        files.addAll(labels(AihubLayout.labelsRoot(root, Split.TRAIN, AihubLayout.COMBINATION)));
        Map<Boolean, Long> generic =
                files.stream()
                        .collect(
                                Collectors.partitioningBy(
                                        file ->
                                                "Drug"
                                                        .equals(
                                                                read(file)
                                                                        .categories()
                                                                        .get(0)
                                                                        .name()),
                                        Collectors.counting()));
        assertThat(generic.get(true)).isPositive();
        assertThat(generic.get(false)).isPositive();
    }

    private static void assertInsideImage(Annotation box) {
        List<Double> bbox = box.bbox();
        assertThat(bbox).hasSize(4);
        assertThat(bbox.get(0)).isGreaterThanOrEqualTo(0);
        assertThat(bbox.get(1)).isGreaterThanOrEqualTo(0);
        assertThat(bbox.get(2)).isPositive();
        assertThat(bbox.get(3)).isPositive();
        assertThat(bbox.get(0) + bbox.get(2)).isLessThanOrEqualTo(tiny().width());
        assertThat(bbox.get(1) + bbox.get(3)).isLessThanOrEqualTo(tiny().height());
    }

    private static List<String> codes(DrugCatalogue catalogue) {
        return catalogue.drugs().stream().map(SyntheticDrug::kCode).toList();
    }

    private static List<String> pillCodes(List<LabelledImage> photos) {
        return photos.stream()
                .flatMap(photo -> photo.boxes().stream())
                .map(LabelledImage.Box::kCode)
                .distinct()
                .toList();
    }

    private static Map<String, Long> countByCode(List<Path> labels) {
        return labels.stream()
                .collect(Collectors.groupingBy(AihubLayout::codeFolderOf, Collectors.counting()));
    }

    private static Split splitOf(Path label) {
        return root.relativize(label).getName(0).toString().equals("val") ? Split.VAL : Split.TRAIN;
    }

    private static AihubLabel read(Path label) {
        try {
            return JSON.readValue(label.toFile(), AihubLabel.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> labels(Path folder) {
        return files(folder, ".json");
    }

    private static List<Path> files(Path folder, String suffix) {
        if (!Files.isDirectory(folder)) {
            return new ArrayList<>();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .filter(file -> file.getFileName().toString().endsWith(suffix))
                    .sorted()
                    .collect(Collectors.toCollection(ArrayList::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of every file, by path relative to the dataset root. */
    private static Map<String, String> hashes(Path dataset) {
        Map<String, String> hashes = new TreeMap<>();
        for (Path file : files(dataset, "")) {
            try {
                byte[] digest =
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                hashes.put(dataset.relativize(file).toString(), HexFormat.of().formatHex(digest));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return hashes;
    }
}
