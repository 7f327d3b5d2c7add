package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.trainer.run.PipelineTruth;
import io.pillsnap.trainer.testing.AihubFiles;
import io.pillsnap.trainer.testing.AihubFiles.CategoryForm;
import io.pillsnap.trainer.testing.AihubFiles.Drug;
import io.pillsnap.trainer.testing.AihubFiles.Pill;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reader on label files as AIHub and the sets derived from it write them (written by {@link
 * AihubFiles} from the published descriptions): a box's drug is its file's drug, whatever the
 * file's category says.
 */
class AihubLabelFormsTest {

    static final Drug BUSPIRONE = new Drug("K-001899", "641603110", "보령부스파정 5mg");
    static final Drug FAMOTIDINE = new Drug("K-000250", "643900680", "가스터정 20mg");
    static final Drug OTHER = new Drug("K-003544", "652100290", "타이레놀정 500mg");

    static final List<Pill> PILLS =
            List.of(
                    new Pill(BUSPIRONE, 10, 10, 40, 40),
                    new Pill(FAMOTIDINE, 60, 10, 40, 40),
                    new Pill(BUSPIRONE, 10, 80, 40, 40),
                    new Pill(OTHER, 60, 80, 40, 40));

    static final String COMBINATION_STEM = "K-000250-001899-003544_0_2_0_2_70_000_200";

    private static AihubFiles singles(Path root, CategoryForm form) {
        AihubFiles files = new AihubFiles(root, "train");
        for (Drug drug : List.of(BUSPIRONE, FAMOTIDINE)) {
            for (int i = 0; i < 3; i++) {
                files.single(drug, drug.kCode() + "_0_2_0_2_" + (60 + 10 * i) + "_000_200", form);
            }
        }
        return files;
    }

    @ParameterizedTest
    @EnumSource(CategoryForm.class)
    void aCombinationPhotoLabelledPerDrugGivesCropsAndPipelinePills(
            CategoryForm form, @TempDir Path root) {
        singles(root, form).combination(COMBINATION_STEM, PILLS, form);

        ScanResult scan = AihubScanner.scan(root, AihubLayout.Split.TRAIN, 1);
        StageSample sample = StageSampler.sample(root, scan, 2, null, 42, 0.25);

        assertThat(scan.combinations())
                .singleElement()
                .satisfies(
                        photo ->
                                assertThat(photo.boxes())
                                        .extracting(LabelledImage.Box::kCode)
                                        .containsExactlyInAnyOrder(
                                                "K-001899", "K-000250", "K-001899", "K-003544"));
        Map<String, Integer> index =
                Map.of(
                        "K-000250", sample.classes().get(0).index(),
                        "K-001899", sample.classes().get(1).index());
        assertThat(sample.classes().get(0).kCode()).isEqualTo("K-000250");
        assertThat(ComboCrops.of(sample, Integer.MAX_VALUE, 1))
                .extracting(Sample::label)
                .containsExactlyInAnyOrder(
                        index.get("K-001899"), index.get("K-000250"), index.get("K-001899"));
        assertThat(PipelineTruth.count(scan.combinations(), sample.classes()))
                .isEqualTo(new PipelineTruth.Counts(4, 3, 1, 0));
    }

    @Test
    void oneFileOfAllBoxesNamesEachBoxByTheCategoryIdThatIsItsDrugsKCodeNumber(@TempDir Path root) {
        singles(root, CategoryForm.PRODUCT_NAME)
                .combinationInOneFile(COMBINATION_STEM, PILLS, CategoryForm.PRODUCT_NAME);

        LabelledImage photo =
                AihubScanner.scan(root, AihubLayout.Split.TRAIN, 1).combinations().get(0);

        assertThat(photo.boxes())
                .extracting(LabelledImage.Box::kCode)
                .containsExactly("K-001899", "K-000250", "K-001899", "K-003544");
    }

    @Test
    void oneFileOfAllBoxesUnderOneGenericCategoryLeavesTheBoxesWithoutADrug(@TempDir Path root) {
        singles(root, CategoryForm.GENERIC)
                .combinationInOneFile(COMBINATION_STEM, PILLS, CategoryForm.GENERIC);

        ScanResult scan = AihubScanner.scan(root, AihubLayout.Split.TRAIN, 1);
        StageSample sample = StageSampler.sample(root, scan, 2, null, 42, 0.25);

        assertThat(scan.combinations().get(0).boxes())
                .hasSize(4)
                .allSatisfy(box -> assertThat(box.kCode()).isNull());
        assertThat(ComboCrops.of(sample, Integer.MAX_VALUE, 1)).isEmpty();
        assertThatThrownBy(
                        () -> PipelineTruth.requireScorable(scan.combinations(), sample.classes()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("0 of 4 boxes on 1 validation combination photos")
                .hasMessageContaining("4 naming no drug")
                .hasMessageContaining("a box's drug is its label file's drug");
    }

    @Test
    void combinationPhotosOfOtherDrugsOnlyFailTheRunNamingTheCountAndTheCause(@TempDir Path root) {
        singles(root, CategoryForm.GENERIC)
                .combination(
                        "K-003544-004000_0_2_0_2_70_000_200",
                        List.of(
                                new Pill(OTHER, 10, 10, 40, 40),
                                new Pill(new Drug("K-004000", "1", "x"), 60, 10, 40, 40)),
                        CategoryForm.GENERIC);
        ScanResult scan = AihubScanner.scan(root, AihubLayout.Split.TRAIN, 1);
        StageSample sample = StageSampler.sample(root, scan, 2, null, 42, 0.25);

        assertThatThrownBy(
                        () -> PipelineTruth.requireScorable(scan.combinations(), sample.classes()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("0 of 2 boxes")
                .hasMessageContaining("2 of other drugs")
                .hasMessageContaining("outside the stage's 2 classes");
    }

    @Test
    void aPhotoWithoutALabelFileIsCountedAndListedWithItsOwnReason(@TempDir Path root) {
        AihubFiles files = singles(root, CategoryForm.GENERIC);
        Path lonely = files.unlabelledSingle(BUSPIRONE, "K-001899_0_2_0_2_90_000_200");
        files.combination(COMBINATION_STEM, PILLS, CategoryForm.GENERIC);

        ScanResult scan = AihubScanner.scan(root, AihubLayout.Split.TRAIN, 1);

        assertThat(scan.singles()).hasSize(6);
        assertThat(scan.skipped().count(SkipReport.Reason.MISSING_LABEL)).isEqualTo(1);
        assertThat(scan.skipped().total()).isEqualTo(1);
        assertThat(scan.skipped().toJson().get("examples").toString())
                .contains(lonely.toString())
                .contains(
                        "no label file (expected"
                                + " train/labels/single/TL_1_single/K-001899_json/K-001899_0_2_0_2_90_000_200.json)");
    }
}
