package io.pillsnap.trainer.data.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DrugCatalogueTest {

    @Test
    void familiesShareShapeColourAndSizeAndDifferOnlyByImprint() {
        DrugCatalogue catalogue = DrugCatalogue.create(40, 4, 42);

        Collection<List<SyntheticDrug>> families = byFamily(catalogue).values();

        assertThat(families).hasSize(10).allSatisfy(family -> assertThat(family).hasSize(4));
        for (List<SyntheticDrug> family : families) {
            assertThat(family).extracting(SyntheticDrug::shape).containsOnly(family.get(0).shape());
            assertThat(family)
                    .extracting(SyntheticDrug::color1)
                    .containsOnly(family.get(0).color1());
            assertThat(family)
                    .extracting(SyntheticDrug::color2)
                    .containsOnly(family.get(0).color2());
            assertThat(family)
                    .extracting(SyntheticDrug::relativeSize)
                    .containsOnly(family.get(0).relativeSize());
            assertThat(family).extracting(SyntheticDrug::printFront).doesNotHaveDuplicates();
        }
    }

    @Test
    void everyFaceAPhotoCanShowBelongsToOneDrugOfItsFamily() {
        DrugCatalogue catalogue = DrugCatalogue.create(2000, 16, 3);

        for (List<SyntheticDrug> family : byFamily(catalogue).values()) {
            List<String> faces = new ArrayList<>();
            for (SyntheticDrug drug : family) {
                faces.addAll(visibleFaces(drug));
            }
            assertThat(faces).doesNotHaveDuplicates();
        }
    }

    @Test
    void familySizeOneGivesEveryDrugItsOwnLook() {
        DrugCatalogue catalogue = DrugCatalogue.create(100, 1, 42);

        assertThat(catalogue.drugs())
                .extracting(drug -> drug.shape() + "/" + drug.color1() + "/" + drug.color2())
                .doesNotHaveDuplicates();
    }

    @Test
    void largeCataloguesKeepFamiliesApartUntilTheLooksRunOut() {
        DrugCatalogue catalogue = DrugCatalogue.create(4523, 4, 42);

        Set<String> firstLooks =
                byFamily(catalogue).values().stream()
                        .limit(130)
                        .map(family -> family.get(0))
                        .map(drug -> drug.shape() + "/" + drug.color1() + "/" + drug.color2())
                        .collect(Collectors.toSet());

        assertThat(catalogue.size()).isEqualTo(4523);
        assertThat(firstLooks).hasSize(130);
    }

    @Test
    void codesAreUniqueAndShapedLikeTheRealOnes() {
        DrugCatalogue catalogue = DrugCatalogue.create(SynthOptions.MAX_CLASSES, 16, 42);

        assertThat(catalogue.drugs())
                .extracting(SyntheticDrug::kCode)
                .allMatch(code -> code.matches("K-\\d{6}"))
                .doesNotHaveDuplicates()
                .isSorted();
        assertThat(catalogue.drugs())
                .extracting(SyntheticDrug::ediCode)
                .allMatch(code -> code.matches("\\d{9}"))
                .doesNotHaveDuplicates();
        assertThat(catalogue.drugs())
                .extracting(SyntheticDrug::name)
                .allMatch(name -> name.matches("[A-Z][a-z]+ [0-9.]+mg"));
    }

    @Test
    void imprintsHoldOneToThreeCharactersTheFontCanDraw() {
        DrugCatalogue catalogue = DrugCatalogue.create(500, 4, 42);

        for (SyntheticDrug drug : catalogue.drugs()) {
            assertThat(drug.printFront()).matches("[A-Z0-9]{1,3}|[A-Z0-9]-[A-Z0-9]");
            assertThat(drug.printBack()).matches("|[A-Z0-9]{1,3}|[A-Z0-9]-[A-Z0-9]");
        }
    }

    @Test
    void capsulesAreTwoTonedAndOnlyCapsules() {
        DrugCatalogue catalogue = DrugCatalogue.create(500, 1, 42);

        assertThat(catalogue.drugs()).anyMatch(drug -> drug.shape().isCapsule());
        for (SyntheticDrug drug : catalogue.drugs()) {
            if (drug.shape().isCapsule()) {
                assertThat(drug.color2()).isNotNull().isNotEqualTo(drug.color1());
                assertThat(drug.scoreLine()).isEqualTo(ScoreLine.NONE);
            } else {
                assertThat(drug.color2()).isNull();
            }
        }
    }

    @Test
    void scoredFacesCarryNoText() {
        DrugCatalogue catalogue = DrugCatalogue.create(500, 4, 42);

        assertThat(catalogue.drugs()).anyMatch(drug -> drug.scoreLine() == ScoreLine.SINGLE);
        assertThat(catalogue.drugs()).anyMatch(drug -> drug.scoreLine() == ScoreLine.CROSS);
        assertThat(catalogue.drugs())
                .filteredOn(drug -> drug.scoreLine() != ScoreLine.NONE)
                .allSatisfy(drug -> assertThat(drug.printBack()).isEmpty());
    }

    @Test
    void sameSeedSameCatalogue() {
        assertThat(DrugCatalogue.create(60, 4, 9).drugs())
                .isEqualTo(DrugCatalogue.create(60, 4, 9).drugs())
                .isNotEqualTo(DrugCatalogue.create(60, 4, 10).drugs());
    }

    @Test
    void unknownDrugsAreOtherDrugsNumberedAfterTheKnownOnesWithLooksOfTheirOwn() {
        DrugCatalogue known = DrugCatalogue.create(42, 4, 42);
        DrugCatalogue unknown = DrugCatalogue.unknown(42, 9, 4, 42);

        // 11 known families (the last of 2), then 3 unknown ones (the last of 1)
        assertThat(unknown.drugs())
                .extracting(SyntheticDrug::classIndex)
                .containsExactly(42, 43, 44, 45, 46, 47, 48, 49, 50);
        assertThat(unknown.drugs())
                .extracting(SyntheticDrug::family)
                .containsExactly(11, 11, 11, 11, 12, 12, 12, 12, 13);
        assertThat(unknown.drugs())
                .extracting(SyntheticDrug::kCode)
                .allMatch(code -> code.matches("K-\\d{6}"))
                .doesNotContainAnyElementsOf(codes(known, SyntheticDrug::kCode));
        assertThat(codes(unknown, SyntheticDrug::ediCode))
                .doesNotContainAnyElementsOf(codes(known, SyntheticDrug::ediCode));
        assertThat(codes(unknown, SyntheticDrug::name))
                .doesNotContainAnyElementsOf(codes(known, SyntheticDrug::name));
        // 14 families, far fewer than the shape-colour combinations: no unknown looks like a known
        assertThat(codes(unknown, DrugCatalogueTest::look))
                .doesNotContainAnyElementsOf(codes(known, DrugCatalogueTest::look));
        assertThat(DrugCatalogue.unknown(42, 0, 4, 42).drugs()).isEmpty();
    }

    private static List<String> codes(
            DrugCatalogue catalogue, java.util.function.Function<SyntheticDrug, String> field) {
        return catalogue.drugs().stream().map(field).toList();
    }

    private static String look(SyntheticDrug drug) {
        return drug.shape() + "/" + drug.color1() + "/" + drug.color2();
    }

    private static Map<Integer, List<SyntheticDrug>> byFamily(DrugCatalogue catalogue) {
        return catalogue.drugs().stream().collect(Collectors.groupingBy(SyntheticDrug::family));
    }

    /** What a photo of the drug can show: either face, or both capsule halves at once. */
    private static Set<String> visibleFaces(SyntheticDrug drug) {
        if (drug.shape().isCapsule()) {
            return Set.of(drug.printFront() + "/" + drug.printBack());
        }
        String back = drug.printBack().isEmpty() ? "plain " + drug.scoreLine() : drug.printBack();
        return Set.copyOf(List.of(drug.printFront(), back).stream().distinct().toList());
    }
}
