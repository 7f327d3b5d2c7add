package io.pillsnap.trainer.data;

import static io.pillsnap.trainer.data.UnknownDrugsTest.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import io.pillsnap.trainer.testing.AihubFiles;
import io.pillsnap.trainer.testing.AihubFiles.CategoryForm;
import io.pillsnap.trainer.testing.AihubFiles.Drug;
import io.pillsnap.trainer.testing.TinyDatasets;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClassMap FOUR_CLASSES =
            classes("K-000101", "K-000102", "K-000103", "K-000104");

    @TempDir static Path folder;

    /** val/: 4 drugs of 25 photos, and 3 other drugs of 30, 4 and 2 photos. */
    private static Path data;

    @BeforeAll
    static void writeValidationSet() {
        data = folder.resolve("aihub");
        AihubFiles val = new AihubFiles(data, "val");
        for (String code : List.of("K-000101", "K-000102", "K-000103", "K-000104")) {
            singles(val, code, 25);
        }
        singles(val, "K-000201", 30);
        singles(val, "K-000202", 4);
        singles(val, "K-000203", 2);
    }

    @Test
    void keepsTheStagesPhotosAndUpToTheFractionOfOtherDrugs() {
        TestPhotos test = TestSet.findWithUnknowns(dataset(42, 0.2), data, FOUR_CLASSES, 2);

        assertThat(test.known()).isEqualTo(TestSet.find(dataset(42, 0.2), data, FOUR_CLASSES, 2));
        assertThat(test.known()).hasSize(100);
        // 25 = 0.2 x (100 + 25); all of the small drugs, the rest from the large one
        assertThat(test.unknown()).hasSize(25);
        assertThat(perDrug(test))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("K-000201", 19L, "K-000202", 4L, "K-000203", 2L));
        assertThat(test.size()).isEqualTo(125);
    }

    @Test
    void drawsTheSameUnknownsForTheSameSeed() {
        TestPhotos first = TestSet.findWithUnknowns(dataset(42, 0.2), data, FOUR_CLASSES, 2);

        assertThat(TestSet.findWithUnknowns(dataset(42, 0.2), data, FOUR_CLASSES, 1))
                .isEqualTo(first);
        assertThat(TestSet.findWithUnknowns(dataset(7, 0.2), data, FOUR_CLASSES, 2).unknown())
                .isNotEqualTo(first.unknown());
    }

    @Test
    void fractionZeroLeavesUnknownsOut() {
        TestPhotos test = TestSet.findWithUnknowns(dataset(42, 0), data, FOUR_CLASSES, 2);

        assertThat(test.known()).hasSize(100);
        assertThat(test.unknown()).isEmpty();
    }

    @Test
    void takesEveryOtherPhotoWhenTheFractionAllowsMore() {
        // 0.5 allows 100 unknowns; val/ has 36
        TestPhotos test = TestSet.findWithUnknowns(dataset(42, 0.5), data, FOUR_CLASSES, 2);

        assertThat(test.unknown()).hasSize(36);
    }

    @Test
    void drugsOfOtherStagesAreUnknownToThisOne() {
        ClassMap twoClasses = classes("K-000101", "K-000102");

        TestPhotos test = TestSet.findWithUnknowns(dataset(42, 0.2), data, twoClasses, 2);

        // 12 = floor(50 x 0.2 / 0.8): two rounds over the five other drugs, then two more
        assertThat(test.known()).hasSize(50);
        assertThat(test.unknown()).hasSize(12);
        Map<String, Long> perDrug = perDrug(test);
        assertThat(perDrug)
                .containsOnlyKeys("K-000103", "K-000104", "K-000201", "K-000202", "K-000203");
        assertThat(perDrug.values()).allSatisfy(n -> assertThat(n).isBetween(2L, 3L));
    }

    @Test
    void unknownPhotosReachTheLoadersWithTheUnknownLabel() {
        TestPhotos test = TestSet.findWithUnknowns(dataset(42, 0.2), data, FOUR_CLASSES, 2);

        assertThat(test.unknownSamples())
                .hasSize(25)
                .allSatisfy(sample -> assertThat(sample.label()).isEqualTo(Sample.UNKNOWN));
        assertThat(test.samples()).hasSize(125).startsWith(test.known().get(0));
        assertThat(test.samples().subList(100, 125)).isEqualTo(test.unknownSamples());
    }

    @Test
    void aValidationSetOfTheStagesDrugsOnlyGivesNoUnknowns() {
        Path onlyKnown = folder.resolve("only-known");
        AihubFiles val = new AihubFiles(onlyKnown, "val");
        singles(val, "K-000101", 3);
        singles(val, "K-000102", 3);

        TestPhotos test =
                TestSet.findWithUnknowns(
                        dataset(42, 0.2), onlyKnown, classes("K-000101", "K-000102"), 2);

        assertThat(test.known()).hasSize(6);
        assertThat(test.unknown()).isEmpty();
    }

    @Test
    void noValidationSetGivesNoTestSet() {
        assertThat(
                        TestSet.findWithUnknowns(
                                dataset(42, 0.2), folder.resolve("absent"), FOUR_CLASSES, 2))
                .isEqualTo(TestPhotos.none());
    }

    @Test
    void findsTheSyntheticDatasetsUnknownDrugs() {
        // 10 drugs with 1 of 5 photos in val/, and 2 unknown drugs with 1 photo each
        Path synthetic = TinyDatasets.generate(folder.resolve("synthetic"), 10, 5, 0, 0.2);
        StageSample stage =
                StageSampler.sample(
                        synthetic,
                        AihubScanner.scan(synthetic, AihubLayout.Split.TRAIN, 2),
                        null,
                        null,
                        42,
                        0.2);

        TestPhotos test = TestSet.findWithUnknowns(dataset(42, 0.2), synthetic, stage.classes(), 2);

        assertThat(test.known()).hasSize(10);
        // 2 = floor(10 x 0.2 / 0.8), one of each unknown drug
        assertThat(test.unknown()).hasSize(2);
        assertThat(perDrug(test)).hasSize(2);
        assertThat(stage.classes().classes())
                .noneMatch(drug -> perDrug(test).containsKey(drug.kCode()));
    }

    private static DatasetSpec dataset(long seed, double unknownFraction) {
        String spec =
                String.format(
                        Locale.ROOT,
                        "{\"format\": \"aihub\", \"seed\": %d, \"unknownFraction\": %s}",
                        seed,
                        unknownFraction);
        try {
            return JSON.readValue(spec, DatasetSpec.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void singles(AihubFiles val, String code, int count) {
        Drug drug = new Drug(code, "64" + code.substring(2) + "0", "Product " + code);
        for (int i = 0; i < count; i++) {
            // named like AIHub's files: drug, four set-up numbers, camera angles, last number
            val.single(
                    drug,
                    String.format(Locale.ROOT, "%s_0_%d_0_2_70_%03d_200", code, i % 3, i * 10),
                    i % 2 == 0 ? CategoryForm.GENERIC : CategoryForm.PRODUCT_NAME);
        }
    }

    private static Map<String, Long> perDrug(TestPhotos test) {
        return test.unknown().stream()
                .collect(
                        Collectors.groupingBy(
                                TestPhotos.UnknownPhoto::kCode, Collectors.counting()));
    }
}
