package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.api.v1alpha1.spec.DatasetFormat;
import io.pillsnap.api.v1alpha1.spec.DatasetSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The final test set of a stage: the single-pill photos of the stage's classes in the dataset's
 * {@code val/} folder, AIHub's own validation set, which no stage samples from, and a sample of
 * other drugs' photos there as unknowns. A run scores its chosen checkpoint on it once, at the end;
 * it never picks a checkpoint or stops training.
 */
public final class TestSet {

    private static final Logger log = LoggerFactory.getLogger(TestSet.class);

    private TestSet() {}

    /** The test photos of the classes in {@code classes}, sorted; empty when there is no val/. */
    public static List<Sample> find(DatasetSpec dataset, Path data, ClassMap classes, int threads) {
        return find(dataset, data, classes, threads, new SkipReport());
    }

    /** As above, the files the scan of val/ skipped added to {@code skipped}. */
    public static List<Sample> find(
            DatasetSpec dataset, Path data, ClassMap classes, int threads, SkipReport skipped) {
        return scanVal(dataset, data, threads, skipped)
                .map(scan -> known(scan, data, classes))
                .orElse(List.of());
    }

    /**
     * The test photos of {@code classes} as {@link #find} returns them, and as unknowns a sample of
     * the single-pill photos of other drugs in val/: at most {@code dataset.unknownFraction()} of
     * the whole test set, spread over the drugs, drawn with {@code dataset.seed()} (see {@link
     * UnknownDrugs#sample}). Empty when there is no val/; no unknowns when val/ holds no other
     * drug.
     */
    public static TestPhotos findWithUnknowns(
            DatasetSpec dataset, Path data, ClassMap classes, int threads) {
        return findWithUnknowns(dataset, data, classes, threads, new SkipReport());
    }

    /** As above, the files the scan of val/ skipped added to {@code skipped}. */
    public static TestPhotos findWithUnknowns(
            DatasetSpec dataset, Path data, ClassMap classes, int threads, SkipReport skipped) {
        Optional<ScanResult> scan = scanVal(dataset, data, threads, skipped);
        if (scan.isEmpty()) {
            return TestPhotos.none();
        }
        List<Sample> known = known(scan.get(), data, classes);
        double fraction = dataset.unknownFraction();
        if (!(fraction > 0)) {
            log.info("test set: no unknown drugs (spec.dataset.unknownFraction is {})", fraction);
            return new TestPhotos(known, List.of());
        }
        UnknownDrugs unknownDrugs = new UnknownDrugs(classes);
        Map<String, List<Path>> candidates = unknownDrugs.byDrug(scan.get().singles());
        if (candidates.isEmpty()) {
            log.info(
                    "test set: no unknown drugs: {} holds no single-pill photo of a drug outside the"
                            + " {} classes, so the test set cannot say how the model answers on"
                            + " drugs it never saw (AIHub's val/ holds every drug: copy it whole)",
                    data.resolve(AihubLayout.Split.VAL.folder()),
                    classes.size());
            return new TestPhotos(known, List.of());
        }
        List<TestPhotos.UnknownPhoto> unknown =
                unknownDrugs.sample(scan.get().singles(), known.size(), fraction, dataset.seed());
        log.info(
                "test set: {} unknown photos of {} drugs outside the classes (at most {} of the test"
                        + " set, spec.dataset.unknownFraction; val/ holds {} photos of {} such"
                        + " drugs)",
                unknown.size(),
                unknown.stream().map(TestPhotos.UnknownPhoto::kCode).distinct().count(),
                fraction,
                UnknownDrugs.count(candidates),
                candidates.size());
        return new TestPhotos(known, unknown);
    }

    /** The scan of val/, or empty (logged) when the dataset has none. */
    private static Optional<ScanResult> scanVal(
            DatasetSpec dataset, Path data, int threads, SkipReport skipped) {
        if (dataset.format() == DatasetFormat.IMAGEFOLDER) {
            log.info(
                    "no test set: an imagefolder dataset has no val/ split; the gate reads validation");
            return Optional.empty();
        }
        Path labels = AihubLayout.labelsRoot(data, AihubLayout.Split.VAL, AihubLayout.SINGLE);
        if (!Files.isDirectory(labels)) {
            log.info(
                    "no test set: {} does not exist (AIHub's validation set goes there); the gate"
                            + " reads validation metrics",
                    labels);
            return Optional.empty();
        }
        ScanResult scan = AihubScanner.scan(data, AihubLayout.Split.VAL, threads);
        skipped.addAll(scan.skipped());
        return Optional.of(scan);
    }

    private static List<Sample> known(ScanResult scan, Path data, ClassMap classes) {
        Map<String, Integer> index = new HashMap<>();
        for (DrugClass drug : classes.classes()) {
            index.put(drug.kCode(), drug.index());
        }
        List<Sample> test = new ArrayList<>();
        for (LabelledImage photo : scan.singles()) {
            Integer label = index.get(photo.kCode());
            if (label != null) {
                test.add(new Sample(photo.image(), label));
            }
        }
        test.sort(Comparator.comparing(Sample::image));
        long covered = test.stream().map(Sample::label).distinct().count();
        log.info(
                "test set: {} photos of {} of the {} classes in {}",
                test.size(),
                covered,
                classes.size(),
                data.resolve(AihubLayout.Split.VAL.folder()));
        return List.copyOf(test);
    }

    /**
     * The combination photos in the dataset's {@code val/} folder, the detector's test set, sorted;
     * empty when there are none.
     */
    public static List<LabelledImage> findCombinations(
            DatasetSpec dataset, Path data, int threads) {
        if (dataset.format() == DatasetFormat.IMAGEFOLDER) {
            return List.of();
        }
        Path labels = AihubLayout.labelsRoot(data, AihubLayout.Split.VAL, AihubLayout.COMBINATION);
        if (!Files.isDirectory(labels)) {
            log.info(
                    "no detector test set: {} does not exist; the gate reads validation mAP",
                    labels);
            return List.of();
        }
        List<LabelledImage> photos =
                new ArrayList<>(
                        AihubScanner.scan(data, AihubLayout.Split.VAL, threads).combinations());
        photos.sort(Comparator.comparing(LabelledImage::image));
        log.info("detector test set: {} combination photos", photos.size());
        return List.copyOf(photos);
    }
}
