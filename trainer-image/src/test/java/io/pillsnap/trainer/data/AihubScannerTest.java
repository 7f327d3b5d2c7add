package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AihubScannerTest {

    @TempDir static Path folder;
    static Path data;

    @BeforeAll
    static void generate() {
        data = TinyDatasets.generate(folder.resolve("data"), 6, 6, 0.5);
    }

    @Test
    void readsSingleAndCombinationLabelsOfTheAihubLayout() {
        ScanResult scan = AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2);

        assertThat(scan.singles()).hasSize(36);
        assertThat(scan.singles())
                .allSatisfy(
                        image -> {
                            assertThat(image.kCode()).matches("K-\\d{6}");
                            assertThat(image.drug().ediCode()).matches("\\d{9}");
                            assertThat(image.boxes()).hasSize(1);
                            assertThat(Files.isRegularFile(image.image())).isTrue();
                        });
        assertThat(scan.combinations())
                .isNotEmpty()
                .allSatisfy(
                        image -> {
                            assertThat(image.combination()).isTrue();
                            assertThat(image.boxes()).hasSizeBetween(2, 6);
                            assertThat(image.boxes())
                                    .allSatisfy(box -> assertThat(box.kCode()).matches("K-\\d{6}"));
                        });
        assertThat(scan.skipped().total()).isZero();
    }

    @Test
    void combinationLabelsComeOneFilePerDrugAndAreMergedPerPhoto() throws IOException {
        ScanResult scan = AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2);

        for (LabelledImage photo : scan.combinations()) {
            // the folder names the photo's drugs; each has its own label file with its box
            String folder = photo.image().getParent().getFileName().toString();
            int drugs = folder.split("-").length - 1;
            Path labels = photo.label().getParent();
            String stem = photo.label().getFileName().toString();
            try (Stream<Path> files = Files.list(labels)) {
                assertThat(
                                files.filter(Files::isDirectory)
                                        .filter(d -> Files.exists(d.resolve(stem))))
                        .hasSize(drugs);
            }
            assertThat(photo.boxes()).hasSize(drugs);
            assertThat(photo.boxes().stream().map(LabelledImage.Box::kCode).distinct())
                    .hasSize(drugs);
        }
    }

    @Test
    void aPhotoWithPerDrugFilesAndOneFileOfAllBoxesGetsEveryBoxOnce(@TempDir Path copy)
            throws IOException {
        Path root = copyOf(data, copy);
        LabelledImage photo =
                AihubScanner.scan(root, AihubLayout.Split.TRAIN, 2).combinations().get(0);
        Path labels = photo.label().getParent();
        String stem = photo.label().getFileName().toString();
        // one drug's file moved up to where a single all-boxes file would be, with a box of
        // another drug added to it: every box must still come out once
        Path drugFile;
        try (Stream<Path> drugs = Files.list(labels).filter(Files::isDirectory)) {
            drugFile = drugs.sorted().findFirst().orElseThrow().resolve(stem);
        }
        Files.move(drugFile, labels.resolve(stem));

        LabelledImage merged =
                AihubScanner.scan(root, AihubLayout.Split.TRAIN, 2).combinations().stream()
                        .filter(p -> p.image().equals(photo.image()))
                        .findFirst()
                        .orElseThrow();

        assertThat(merged.boxes()).containsExactlyInAnyOrderElementsOf(photo.boxes());
    }

    @Test
    void corruptFilesAreSkippedAndCountedNeverFatal(@TempDir Path copy) throws IOException {
        Path root = copyOf(data, copy);
        ScanResult clean = AihubScanner.scan(root, AihubLayout.Split.TRAIN, 2);
        LabelledImage[] victims = clean.singles().subList(0, 3).toArray(LabelledImage[]::new);
        Files.writeString(victims[0].label(), "{\"images\": [ {\"file_name\": ");
        Files.delete(victims[1].image());
        byte[] png = Files.readAllBytes(victims[2].image());
        Files.write(victims[2].image(), Arrays.copyOf(png, png.length / 3));

        ScanResult scan = AihubScanner.scan(root, AihubLayout.Split.TRAIN, 2);
        StageSample sample = StageSampler.sample(root, scan, 6, 36, 42, 0.25);
        ImageSource source =
                ImageSource.load(
                        sample.train(),
                        ImageSource.shrinkingTo(32),
                        32 * 32 * 4,
                        2,
                        Long.MAX_VALUE,
                        sample.skipped(),
                        n -> {});
        ImageSource val =
                ImageSource.load(
                        sample.val(),
                        ImageSource.shrinkingTo(32),
                        32 * 32 * 4,
                        2,
                        Long.MAX_VALUE,
                        sample.skipped(),
                        n -> {});

        assertThat(scan.skipped().count(SkipReport.Reason.BAD_LABEL)).isEqualTo(1);
        assertThat(scan.skipped().count(SkipReport.Reason.MISSING_IMAGE)).isEqualTo(1);
        assertThat(sample.skipped().count(SkipReport.Reason.UNREADABLE_IMAGE)).isEqualTo(1);
        assertThat(source.size() + val.size()).isEqualTo(33);
        assertThat(sample.skipped().toJson()).containsEntry("total", 3);
    }

    @Test
    void missingLayoutNamesTheExpectedFolders(@TempDir Path empty) {
        assertThatThrownBy(() -> AihubScanner.scan(empty, AihubLayout.Split.TRAIN, 1))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("has no train/labels/single folder")
                .hasMessageContaining("README#data");
    }

    static Path copyOf(Path source, Path target) throws IOException {
        try (var files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
        return target;
    }
}
