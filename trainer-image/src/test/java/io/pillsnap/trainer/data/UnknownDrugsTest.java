package io.pillsnap.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnknownDrugsTest {

    private static final UnknownDrugs OUTSIDE_TWO_CLASSES =
            new UnknownDrugs(classes("K-000101", "K-000102"));

    @ParameterizedTest(name = "{0} known photos, fraction {1}: at most {2} unknowns")
    @CsvSource({
        "100, 0.2, 25", // 25 = 0.2 x 125
        "10, 0.2, 2", // 3 would be 3 of 13 = 0.23
        "172, 0.2, 43", // 43 = 0.2 x 215, though 172 x 0.2 / 0.8 is 42.99999999999999 in doubles
        "7, 0.5, 7",
        "0, 0.2, 0",
        "100, 0, 0"
    })
    void allowsTheMostUnknownsThatStayWithinTheFraction(int known, double fraction, int most) {
        int allowed = UnknownDrugs.allowed(known, fraction);

        assertThat(allowed).isEqualTo(most);
        assertThat((double) allowed).isLessThanOrEqualTo(fraction * (known + allowed) + 1e-12);
        assertThat(allowed + 1.0).isGreaterThan(fraction * (known + allowed + 1));
    }

    @Test
    void takesOnePhotoOfEachDrugPerRoundSoThatSmallDrugsAreNotCrowdedOut() {
        List<LabelledImage> photos = new ArrayList<>();
        photos.addAll(singles("K-000201", 30));
        photos.addAll(singles("K-000202", 4));
        photos.addAll(singles("K-000203", 2));
        photos.addAll(singles("K-000101", 50));

        List<TestPhotos.UnknownPhoto> sample = OUTSIDE_TWO_CLASSES.sample(photos, 100, 0.2, 42);

        // 25 allowed: rounds of 3, 3, then 2 (K-000203 is out), 2 (K-000202 is out), then
        // K-000201 alone: 4 + 15 of it
        assertThat(perDrug(sample))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("K-000201", 19L, "K-000202", 4L, "K-000203", 2L));
        assertThat(sample).extracting(TestPhotos.UnknownPhoto::image).isSorted();
    }

    @Test
    void spreadsAFewUnknownsOverAsManyDrugs() {
        List<LabelledImage> photos = new ArrayList<>();
        for (int drug = 0; drug < 40; drug++) {
            photos.addAll(singles(String.format("K-%06d", 300 + drug), 5));
        }

        List<TestPhotos.UnknownPhoto> sample = OUTSIDE_TWO_CLASSES.sample(photos, 100, 0.2, 42);

        assertThat(sample).hasSize(25);
        assertThat(perDrug(sample)).hasSize(25).allSatisfy((drug, n) -> assertThat(n).isOne());
    }

    @Test
    void drawsTheSameWithTheSameSeedAndOthersWithAnother() {
        List<LabelledImage> photos = new ArrayList<>();
        for (int drug = 0; drug < 40; drug++) {
            photos.addAll(singles(String.format("K-%06d", 300 + drug), 5));
        }
        List<LabelledImage> reversed = new ArrayList<>(photos);
        java.util.Collections.reverse(reversed);

        List<TestPhotos.UnknownPhoto> first = OUTSIDE_TWO_CLASSES.sample(photos, 100, 0.2, 42);

        assertThat(OUTSIDE_TWO_CLASSES.sample(reversed, 100, 0.2, 42)).isEqualTo(first);
        assertThat(OUTSIDE_TWO_CLASSES.sample(photos, 100, 0.2, 7)).isNotEqualTo(first);
    }

    @Test
    void aPillIsUnknownWhenItNamesADrugOutsideTheClasses() {
        LabelledImage.Box known = new LabelledImage.Box(0, 0, 10, 10, "K-000101");
        LabelledImage.Box unknown = new LabelledImage.Box(20, 0, 10, 10, "K-000201");
        LabelledImage.Box noDrug = new LabelledImage.Box(40, 0, 10, 10, null);
        LabelledImage photo =
                new LabelledImage(
                        Path.of("val/images/combination/VS_1_combo/K-000101-000201/a.png"),
                        Path.of("a.json"),
                        "K-000101",
                        null,
                        true,
                        List.of(known, unknown, noDrug));

        // a box naming no drug is a label problem, counted apart, not an unknown drug
        assertThat(OUTSIDE_TWO_CLASSES.pillsOf(photo)).containsExactly(unknown);
        assertThat(OUTSIDE_TWO_CLASSES.isUnknown(null)).isFalse();
        assertThat(OUTSIDE_TWO_CLASSES.isUnknown("K-000102")).isFalse();
    }

    static ClassMap classes(String... codes) {
        List<DrugClass> drugs = new ArrayList<>();
        for (String code : codes) {
            drugs.add(new DrugClass(drugs.size(), code, null, code, null, null, null, null));
        }
        return new ClassMap(drugs);
    }

    private static List<LabelledImage> singles(String code, int count) {
        List<LabelledImage> photos = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String stem = String.format("%s_0_2_0_2_70_%03d_200", code, i);
            photos.add(
                    new LabelledImage(
                            Path.of("val/images/single/VS_1_single", code, stem + ".png"),
                            Path.of(
                                    "val/labels/single/VL_1_single",
                                    code + "_json",
                                    stem + ".json"),
                            code,
                            null,
                            false,
                            List.of()));
        }
        return photos;
    }

    private static Map<String, Long> perDrug(List<TestPhotos.UnknownPhoto> sample) {
        return sample.stream()
                .collect(
                        Collectors.groupingBy(
                                TestPhotos.UnknownPhoto::kCode, Collectors.counting()));
    }
}
