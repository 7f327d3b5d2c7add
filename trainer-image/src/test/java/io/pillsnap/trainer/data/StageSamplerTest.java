package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.trainer.testing.TinyDatasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageSamplerTest {

    @TempDir static Path folder;
    static Path data;
    static ScanResult scan;

    @BeforeAll
    static void generate() {
        data = TinyDatasets.generate(folder.resolve("data"), 8, 10, 0);
        scan = AihubScanner.scan(data, AihubLayout.Split.TRAIN, 2);
    }

    @Test
    void sameSeedGivesTheSameManifestAndHash() {
        StageSample first = StageSampler.sample(data, scan, 5, 40, 42, 0.2);
        StageSample second =
                StageSampler.sample(
                        data, AihubScanner.scan(data, AihubLayout.Split.TRAIN, 1), 5, 40, 42, 0.2);

        assertThat(second.manifest()).isEqualTo(first.manifest());
        assertThat(second.manifestSha256()).isEqualTo(first.manifestSha256()).hasSize(64);
    }

    @Test
    void neverTakesADrugThatIsOnlyInVal(@TempDir Path scratch) {
        // 4 drugs of 5 photos (one in val/), and 1 unknown drug (4 x 0.2 rounded up) in val/ only
        Path withUnknowns = TinyDatasets.generate(scratch.resolve("data"), 4, 5, 0, 0.2);
        List<String> valCodes =
                AihubScanner.scan(withUnknowns, AihubLayout.Split.VAL, 1).singles().stream()
                        .map(LabelledImage::kCode)
                        .distinct()
                        .toList();

        StageSample all =
                StageSampler.sample(
                        withUnknowns,
                        AihubScanner.scan(withUnknowns, AihubLayout.Split.TRAIN, 1),
                        5,
                        null,
                        42,
                        0.2);

        List<String> classes = all.classes().classes().stream().map(c -> c.kCode()).toList();
        assertThat(valCodes).hasSize(5);
        assertThat(classes).hasSize(4);
        assertThat(valCodes).containsAll(classes);
    }

    @Test
    void anotherSeedSamplesOtherPictures() {
        assertThat(StageSampler.sample(data, scan, 5, 40, 7, 0.2).manifestSha256())
                .isNotEqualTo(StageSampler.sample(data, scan, 5, 40, 42, 0.2).manifestSha256());
    }

    @Test
    void keepsTheRequestedClassesWithBalancedImagesAndAStratifiedSplit() {
        StageSample sample = StageSampler.sample(data, scan, 5, 40, 42, 0.2);

        assertThat(sample.classes().size()).isEqualTo(5);
        assertThat(sample.train().size() + sample.val().size()).isEqualTo(40);
        var perClassVal =
                sample.val().stream()
                        .collect(Collectors.groupingBy(Sample::label, Collectors.counting()));
        // whole photo groups move, so a class's share is near, not exactly, 2 of 8
        assertThat(perClassVal)
                .hasSize(5)
                .allSatisfy((label, count) -> assertThat(count).isBetween(1L, 4L));
        assertThat(sample.classes().classes())
                .allSatisfy(c -> assertThat(c.ediCode()).isNotBlank());
        assertThat(sample.manifest())
                .startsWith("split,class_index,k_code,group,image\n")
                .contains("train/images/single/");
    }

    @Test
    void noPhotoGroupIsOnBothSidesAndTheManifestNamesEveryPhotosGroup() {
        Path root = Path.of("/data");
        List<LabelledImage> photos = new ArrayList<>();
        for (int drug = 1; drug <= 3; drug++) {
            String code = String.format("K-%06d", drug);
            for (int setup = 0; setup < 6; setup++) {
                for (int angle = 0; angle < 5; angle++) {
                    // side, background, light, 0; then the camera's latitude and longitude
                    String name =
                            String.format(
                                    "%s_%d_%d_%d_0_%d_%03d_200.png",
                                    code,
                                    setup % 2,
                                    setup / 2,
                                    setup % 3,
                                    60 + 5 * angle,
                                    30 * angle);
                    photos.add(
                            new LabelledImage(
                                    root.resolve(
                                            "train/images/single/TS_1_single/" + code + "/" + name),
                                    null,
                                    code,
                                    null,
                                    false,
                                    List.of()));
                }
            }
        }
        StageSample sample =
                StageSampler.sample(
                        root,
                        new ScanResult(photos, List.of(), new SkipReport()),
                        null,
                        null,
                        42,
                        0.2);

        List<String[]> rows =
                sample.manifest().lines().skip(1).map(line -> line.split(",")).toList();
        assertThat(rows).hasSize(90).allSatisfy(row -> assertThat(row[3]).isNotBlank());
        Map<String, Set<String>> sidesOfGroup =
                rows.stream()
                        .collect(
                                Collectors.groupingBy(
                                        row -> row[3],
                                        Collectors.mapping(row -> row[0], Collectors.toSet())));
        assertThat(sidesOfGroup)
                .hasSize(18)
                .allSatisfy((group, sides) -> assertThat(sides).hasSize(1));
        assertThat(sample.val()).hasSize(15); // one group of 5 angles per drug: 1/6, nearest to 0.2
        assertThat(sample.val().stream().map(Sample::label).distinct()).hasSize(3);
    }

    @Test
    void aPhotosGroupIsItsDrugAndSetUpWithoutTheCameraAngles() {
        assertThat(PhotoGroups.of(Path.of("K-000059_0_2_1_0_60_000_200.png")))
                .isEqualTo(PhotoGroups.of(Path.of("x/K-000059_0_2_1_0_85_315_200.png")))
                .isEqualTo("K-000059_0_2_1_0");
        assertThat(PhotoGroups.of(Path.of("K-000059_1_2_1_0_60_000_200.png")))
                .isEqualTo("K-000059_1_2_1_0");
        assertThat(PhotoGroups.of(Path.of("K-000250-000573-002483_0_0_0_0_60_000_200.png")))
                .isEqualTo("K-000250-000573-002483_0_0_0_0");
        assertThat(PhotoGroups.of(Path.of("IMG_1234.jpg"))).isEqualTo("IMG_1234");
    }
}
