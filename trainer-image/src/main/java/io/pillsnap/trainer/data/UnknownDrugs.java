package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The drugs outside a stage's classes, which its model never saw: which photos and pills of the
 * test data show one, and the sample of them a test set keeps as unknowns.
 */
public final class UnknownDrugs {

    /** Keeps the unknowns' draws apart from the other draws of the dataset seed. */
    private static final long STREAM = 0x756E6B6E6F776EL;

    private final Set<String> known = new HashSet<>();

    public UnknownDrugs(ClassMap classes) {
        for (DrugClass drug : classes.classes()) {
            known.add(drug.kCode());
        }
    }

    /**
     * A drug named and not among the classes; a missing code ({@code null}) is a label problem, not
     * an unknown drug.
     */
    public boolean isUnknown(String kCode) {
        return kCode != null && !known.contains(kCode);
    }

    /**
     * The pills of a combination photo whose drug is unknown to the stage, in the label's order.
     */
    public List<LabelledImage.Box> pillsOf(LabelledImage photo) {
        return photo.boxes().stream().filter(box -> isUnknown(box.kCode())).toList();
    }

    /**
     * The most unknown photos a test set of {@code known} photos may hold, so that they are at most
     * {@code fraction} of all: the largest u with u <= fraction * (known + u).
     */
    public static int allowed(int known, double fraction) {
        if (!(fraction > 0)) {
            return 0;
        }
        if (fraction >= 1) {
            return Integer.MAX_VALUE;
        }
        // the tolerance keeps 100 x 0.2 / 0.8 at 25 whatever the last bit of the quotient
        return (int) Math.floor(known * fraction / (1 - fraction) + 1e-9);
    }

    /**
     * Up to {@link #allowed} single-pill photos of unknown drugs among {@code photos}, drawn with
     * {@code seed}: round by round one photo of each unknown drug, the drugs in a seeded order, so
     * that no drug gives more than one photo beyond any other that still has some; sorted.
     */
    public List<TestPhotos.UnknownPhoto> sample(
            List<LabelledImage> photos, int known, double fraction, long seed) {
        Map<String, List<Path>> byDrug = byDrug(photos);
        int limit = Math.min(allowed(known, fraction), count(byDrug));
        List<String> drugs = new ArrayList<>(byDrug.keySet());
        Collections.shuffle(drugs, new Random(seed ^ STREAM));
        for (String drug : drugs) {
            Collections.shuffle(
                    byDrug.get(drug), new Random((seed ^ STREAM) * 31 + drug.hashCode()));
        }
        List<TestPhotos.UnknownPhoto> taken = new ArrayList<>(limit);
        for (int round = 0; taken.size() < limit; round++) {
            for (String drug : drugs) {
                List<Path> pool = byDrug.get(drug);
                if (round < pool.size() && taken.size() < limit) {
                    taken.add(new TestPhotos.UnknownPhoto(pool.get(round), drug));
                }
            }
        }
        taken.sort(Comparator.comparing(TestPhotos.UnknownPhoto::image));
        return List.copyOf(taken);
    }

    /** The photos of each unknown drug among {@code photos}, by K-code. */
    Map<String, List<Path>> byDrug(List<LabelledImage> photos) {
        Map<String, List<Path>> byDrug = new TreeMap<>();
        for (LabelledImage photo : photos) {
            if (isUnknown(photo.kCode())) {
                byDrug.computeIfAbsent(photo.kCode(), code -> new ArrayList<>()).add(photo.image());
            }
        }
        // sorted, so that the draws do not depend on the order the scan listed them in
        byDrug.values().forEach(Collections::sort);
        return byDrug;
    }

    static int count(Map<String, List<Path>> byDrug) {
        return byDrug.values().stream().mapToInt(List::size).sum();
    }
}
