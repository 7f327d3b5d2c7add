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
 * Which photo each index of the dataset is: singles first, class by class, then combination sets,
 * then the photos of unknown drugs (val/ only): their singles, then their combination sets.
 * Computed per index rather than listed, so that millions of photos cost no memory up front.
 */
final class DatasetPlan {

    /** About 50 K-code folders per TS_n part, like the real single data. */
    static final int SINGLE_FOLDERS_PER_PART = 50;

    /** About 500 combination folders per TS_n part, like the real combination data. */
    static final int COMBINATION_FOLDERS_PER_PART = 500;

    private final SynthOptions options;
    private final DrugCatalogue catalogue;
    private final DrugCatalogue unknown;

    DatasetPlan(SynthOptions options, DrugCatalogue catalogue, DrugCatalogue unknown) {
        this.options = options;
        this.catalogue = catalogue;
        this.unknown = unknown;
    }

    static int singles(SynthOptions options) {
        return options.classes() * options.imagesPerClass();
    }

    static int combinations(SynthOptions options) {
        return (int) Math.round(singles(options) * options.combinationFraction());
    }

    /** None without a test split: they would have no photo. */
    static int unknownDrugs(SynthOptions options) {
        if (testPhotos(options, options.imagesPerClass()) == 0) {
            return 0;
        }
        return atLeastShare(options.classes(), options.unknownDrugRatio());
    }

    /** As many as each known drug has in val/. */
    static int unknownSingles(SynthOptions options) {
        return unknownDrugs(options) * testPhotos(options, options.imagesPerClass());
    }

    /** A share of the known drugs' val/ combination photos, as for the drugs. */
    static int unknownCombinations(SynthOptions options) {
        if (unknownDrugs(options) == 0) {
            return 0;
        }
        return atLeastShare(valCombinations(options), options.unknownDrugRatio());
    }

    /** The known drugs' combination photos that go to val/, set by set as {@link #split} does. */
    static int valCombinations(SynthOptions options) {
        int perSet = options.imagesPerClass();
        int combinations = combinations(options);
        int rest = combinations % perSet;
        return combinations / perSet * testPhotos(options, perSet)
                + (rest > 0 ? testPhotos(options, rest) : 0);
    }

    /** Every photo of an unknown drug, single or combination. */
    static int unknownPhotos(SynthOptions options) {
        return unknownSingles(options) + unknownCombinations(options);
    }

    int singles() {
        return singles(options);
    }

    int combinations() {
        return combinations(options);
    }

    int unknownSingles() {
        return unknownSingles(options);
    }

    int unknownCombinations() {
        return unknownCombinations(options);
    }

    int size() {
        return singles() + combinations() + unknownPhotos(options);
    }

    PlannedPhoto photo(int index) {
        int singles = singles();
        int combinations = combinations();
        int unknownSingles = unknownSingles();
        if (index < singles) {
            return single(index);
        }
        if (index < singles + combinations) {
            return combination(index - singles, index);
        }
        int unknownIndex = index - singles - combinations;
        if (unknownIndex < unknownSingles) {
            return unknownSingle(unknownIndex);
        }
        return unknownCombination(unknownIndex - unknownSingles);
    }

    private PlannedPhoto single(int index) {
        int perClass = options.imagesPerClass();
        int classIndex = index / perClass;
        int number = index % perClass;
        SyntheticDrug drug = catalogue.drug(classIndex);
        return new PlannedPhoto(
                Seeds.Purpose.PHOTO,
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
        int setSize = Math.min(perSet, combinations() - set * perSet);
        List<SyntheticDrug> drugs = combinationDrugs(set);
        return new PlannedPhoto(
                Seeds.Purpose.PHOTO,
                index,
                split(inSet, setSize),
                AihubLayout.COMBINATION,
                set / COMBINATION_FOLDERS_PER_PART + 1,
                folderName(drugs),
                drugs,
                // two sets may draw the same drugs and share a folder: number across all sets
                combinationIndex);
    }

    /** Numbered like a known drug's val/ photos, the last of its folder. */
    private PlannedPhoto unknownSingle(int unknownIndex) {
        int perClass = options.imagesPerClass();
        int perDrug = testPhotos(options, perClass);
        SyntheticDrug drug = unknown.drug(unknownIndex / perDrug);
        return new PlannedPhoto(
                Seeds.Purpose.UNKNOWN_PHOTO,
                unknownIndex,
                Split.VAL,
                AihubLayout.SINGLE,
                drug.classIndex() / SINGLE_FOLDERS_PER_PART + 1,
                drug.kCode(),
                List.of(drug),
                perClass - perDrug + unknownIndex % perDrug);
    }

    /**
     * Sets as large as a known set's val/ share, after the known sets in the part folders and in
     * the numbering.
     */
    private PlannedPhoto unknownCombination(int unknownIndex) {
        int perSet = Math.max(1, testPhotos(options, options.imagesPerClass()));
        int set = unknownIndex / perSet;
        int knownSets = (combinations() + options.imagesPerClass() - 1) / options.imagesPerClass();
        List<SyntheticDrug> drugs = unknownCombinationDrugs(set);
        return new PlannedPhoto(
                Seeds.Purpose.UNKNOWN_PHOTO,
                unknownSingles() + unknownIndex,
                Split.VAL,
                AihubLayout.COMBINATION,
                (knownSets + set) / COMBINATION_FOLDERS_PER_PART + 1,
                folderName(drugs),
                drugs,
                combinations() + unknownIndex);
    }

    /** The last photos of a folder go to the test split; at least one stays for training. */
    private Split split(int number, int folderSize) {
        return number >= folderSize - testPhotos(options, folderSize) ? Split.VAL : Split.TRAIN;
    }

    private static int testPhotos(SynthOptions options, int folderSize) {
        return Math.min((int) Math.round(folderSize * options.testFraction()), folderSize - 1);
    }

    /** {@code share} of {@code count}, rounded up, so that a small dataset still gets one. */
    private static int atLeastShare(int count, double share) {
        // the tolerance keeps 50 x 0.2 at 10 whatever the last bit of the product
        return (int) Math.ceil(count * share - 1e-9);
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

    /**
     * One unknown drug at least, the others from all drugs: a pill box with a drug the model never
     * saw among ones it knows, or among other unknown ones.
     */
    private List<SyntheticDrug> unknownCombinationDrugs(int set) {
        SplittableRandom random =
                Seeds.random(options.seed(), Seeds.Purpose.UNKNOWN_COMBINATION_SET, set);
        int all = catalogue.size() + unknown.size();
        int count = Math.min(2 + random.nextInt(5), all);
        Set<Integer> picked = new LinkedHashSet<>();
        picked.add(catalogue.size() + random.nextInt(unknown.size()));
        while (picked.size() < count) {
            picked.add(random.nextInt(all));
        }
        List<SyntheticDrug> drugs = new ArrayList<>();
        for (int position : picked) {
            drugs.add(
                    position < catalogue.size()
                            ? catalogue.drug(position)
                            : unknown.drug(position - catalogue.size()));
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
