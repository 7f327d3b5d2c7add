package io.pillsnap.trainer.data.synth;

import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubLayout.Split;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Which photo each index of the dataset is: singles first, class by class, then combination sets.
 * Computed per index rather than listed, so that millions of photos cost no memory up front.
 */
final class DatasetPlan {

    /** About 50 K-code folders per TS_n part, like the real single data. */
    static final int SINGLE_FOLDERS_PER_PART = 50;

    /** About 500 combination folders per TS_n part, like the real combination data. */
    static final int COMBINATION_FOLDERS_PER_PART = 500;

    private final SynthOptions options;
    private final DrugCatalogue catalogue;
    private final int singles;
    private final int combinations;

    DatasetPlan(SynthOptions options, DrugCatalogue catalogue) {
        this.options = options;
        this.catalogue = catalogue;
        this.singles = singles(options);
        this.combinations = combinations(options);
    }

    static int singles(SynthOptions options) {
        return options.classes() * options.imagesPerClass();
    }

    static int combinations(SynthOptions options) {
        return (int) Math.round(singles(options) * options.combinationFraction());
    }

    int singles() {
        return singles;
    }

    int combinations() {
        return combinations;
    }

    int size() {
        return singles + combinations;
    }

    PlannedPhoto photo(int index) {
        if (index < singles) {
            return single(index);
        }
        return combination(index - singles, index);
    }

    private PlannedPhoto single(int index) {
        int perClass = options.imagesPerClass();
        int classIndex = index / perClass;
        int number = index % perClass;
        SyntheticDrug drug = catalogue.drug(classIndex);
        return new PlannedPhoto(
                index,
                split(number, perClass),
                AihubLayout.SINGLE,
                classIndex / SINGLE_FOLDERS_PER_PART + 1,
                drug.kCode(),
                List.of(drug),
                number);
    }

    /** Sets of imagesPerClass photos share their drugs and folder, like the real sets. */
    private PlannedPhoto combination(int combinationIndex, int index) {
        int perSet = options.imagesPerClass();
        int set = combinationIndex / perSet;
        int inSet = combinationIndex % perSet;
        int setSize = Math.min(perSet, combinations - set * perSet);
        List<SyntheticDrug> drugs = combinationDrugs(set);
        return new PlannedPhoto(
                index,
                split(inSet, setSize),
                AihubLayout.COMBINATION,
                set / COMBINATION_FOLDERS_PER_PART + 1,
                folderName(drugs),
                drugs,
                // two sets may draw the same drugs and share a folder: number across all sets
                combinationIndex);
    }

    /** The last photos of a folder go to the test split; at least one stays for training. */
    private Split split(int number, int folderSize) {
        int testPhotos =
                Math.min((int) Math.round(folderSize * options.testFraction()), folderSize - 1);
        return number >= folderSize - testPhotos ? Split.VAL : Split.TRAIN;
    }

    private List<SyntheticDrug> combinationDrugs(int set) {
        SplittableRandom random = Seeds.random(options.seed(), Seeds.Purpose.COMBINATION_SET, set);
        int count = Math.min(2 + random.nextInt(5), catalogue.size());
        Set<Integer> picked = new LinkedHashSet<>();
        while (picked.size() < count) {
            picked.add(random.nextInt(catalogue.size()));
        }
        List<SyntheticDrug> drugs = new ArrayList<>();
        for (int classIndex : picked) {
            drugs.add(catalogue.drug(classIndex));
        }
        drugs.sort(Comparator.comparing(SyntheticDrug::kCode));
        return List.copyOf(drugs);
    }

    /** K-000250-000573-002483: the first code whole, the others by their digits. */
    static String folderName(List<SyntheticDrug> drugs) {
        return drugs.get(0).kCode()
                + drugs.stream()
                        .skip(1)
                        .map(drug -> "-" + drug.kCode().substring(2))
                        .collect(Collectors.joining());
    }
}
