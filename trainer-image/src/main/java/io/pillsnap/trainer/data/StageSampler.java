package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples a stage's data as the original project did: the top-N classes by image count, about the
 * same number of images per class, a fixed seed, and a per-class (stratified) split into train and
 * validation, by photo group (all camera angles of one set-up on one side, see {@link
 * PhotoGroups}). The same scan, seed and sizes always give the same manifest and hash.
 */
public final class StageSampler {

    private static final Logger log = LoggerFactory.getLogger(StageSampler.class);

    private StageSampler() {}

    /**
     * @param classes number of classes to keep (most images first), or null for all
     * @param images total pictures to sample, or null for every picture of the kept classes
     */
    public static StageSample sample(
            Path root,
            ScanResult scan,
            Integer classes,
            Integer images,
            long seed,
            double valFraction) {
        Map<String, List<LabelledImage>> byClass = new TreeMap<>();
        for (LabelledImage image : scan.singles()) {
            byClass.computeIfAbsent(image.kCode(), k -> new ArrayList<>()).add(image);
        }
        List<String> ranked = new ArrayList<>(byClass.keySet());
        ranked.sort(
                Comparator.comparingInt((String code) -> byClass.get(code).size())
                        .reversed()
                        .thenComparing(Comparator.naturalOrder()));
        int keep = classes == null ? ranked.size() : Math.min(classes, ranked.size());
        if (keep < 2) {
            throw new DataException(
                    "the dataset under "
                            + root
                            + " has "
                            + ranked.size()
                            + " readable class(es); a classifier needs at least 2");
        }
        if (classes != null && ranked.size() < classes) {
            log.warn("asked for {} classes, the dataset has {}: using all", classes, ranked.size());
        }
        List<String> kept = ranked.subList(0, keep);

        Map<String, List<LabelledImage>> chosen = new LinkedHashMap<>();
        int total = 0;
        for (int rank = 0; rank < kept.size(); rank++) {
            String code = kept.get(rank);
            List<LabelledImage> pool = new ArrayList<>(byClass.get(code));
            Collections.shuffle(pool, new Random(seed * 31 + code.hashCode()));
            int quota =
                    images == null ? pool.size() : images / keep + (rank < images % keep ? 1 : 0);
            List<LabelledImage> taken = pool.subList(0, Math.min(quota, pool.size()));
            chosen.put(code, taken);
            total += taken.size();
        }
        if (images != null && total < images) {
            log.warn("asked for {} images of {} classes, the dataset has {}", images, keep, total);
        }

        List<String> codes = kept.stream().sorted().toList();
        List<DrugClass> drugs = new ArrayList<>();
        List<Sample> train = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        Map<Path, List<LabelledImage.Box>> singleBoxes = new java.util.HashMap<>();
        for (int index = 0; index < codes.size(); index++) {
            String code = codes.get(index);
            List<LabelledImage> pictures = chosen.get(code);
            drugs.add(drugClass(index, code, pictures.get(0)));
            Set<Path> validation =
                    validationByGroup(
                            pictures.stream().map(LabelledImage::image).toList(),
                            valFraction,
                            new Random(seed * 17 + code.hashCode()));
            for (LabelledImage picture : pictures) {
                (validation.contains(picture.image()) ? val : train)
                        .add(new Sample(picture.image(), index));
                singleBoxes.put(picture.image(), picture.boxes());
            }
        }
        train.sort(Comparator.comparing(Sample::image));
        val.sort(Comparator.comparing(Sample::image));

        Set<Path> comboValidation =
                validationByGroup(
                        scan.combinations().stream().map(LabelledImage::image).toList(),
                        valFraction,
                        new Random(seed));
        List<LabelledImage> combinationVal =
                sorted(
                        scan.combinations().stream()
                                .filter(c -> comboValidation.contains(c.image()))
                                .toList());
        List<LabelledImage> combinationTrain =
                sorted(
                        scan.combinations().stream()
                                .filter(c -> !comboValidation.contains(c.image()))
                                .toList());
        List<LabelledImage> combinations = scan.combinations();

        String manifest = manifest(root, train, val, codes, combinationTrain, combinationVal);
        log.info(
                "sampled {} classes: {} train and {} validation pictures (seed {}), {} combination"
                        + " pictures",
                keep,
                train.size(),
                val.size(),
                seed,
                combinations.size());
        return new StageSample(
                new ClassMap(drugs),
                List.copyOf(train),
                List.copyOf(val),
                combinationTrain,
                combinationVal,
                Map.copyOf(singleBoxes),
                manifest,
                sha256(manifest),
                scan.skipped());
    }

    /**
     * The photos that go to validation: whole {@link PhotoGroups groups} in a seeded random order,
     * each taken when it brings the count closer to {@code fraction} of the photos; at least one
     * group (the smallest) when there are two or more, none when there is only one (its photos
     * would be near-copies of the training ones).
     */
    static Set<Path> validationByGroup(List<Path> photos, double fraction, Random random) {
        Map<String, List<Path>> groups = new TreeMap<>();
        for (Path photo : photos) {
            groups.computeIfAbsent(PhotoGroups.of(photo), g -> new ArrayList<>()).add(photo);
        }
        Set<Path> validation = new HashSet<>();
        if (groups.size() < 2) {
            return validation;
        }
        List<List<Path>> order = new ArrayList<>(groups.values());
        Collections.shuffle(order, random);
        double target = photos.size() * fraction;
        for (List<Path> group : order) {
            if (Math.abs(validation.size() + group.size() - target)
                    < Math.abs(validation.size() - target)) {
                validation.addAll(group);
            }
        }
        if (validation.isEmpty()) {
            validation.addAll(Collections.min(order, Comparator.comparingInt(List::size)));
        }
        return validation;
    }

    private static DrugClass drugClass(int index, String code, LabelledImage example) {
        AihubLabel.ImageInfo drug = example.drug();
        if (drug == null) {
            return new DrugClass(index, code, null, code, null, null, null, null);
        }
        return new DrugClass(
                index,
                code,
                drug.ediCode(),
                drug.drugName(),
                drug.shape(),
                drug.color1(),
                drug.printFront(),
                drug.printBack());
    }

    private static List<LabelledImage> sorted(List<LabelledImage> images) {
        List<LabelledImage> copy = new ArrayList<>(images);
        copy.sort(Comparator.comparing(LabelledImage::image));
        return List.copyOf(copy);
    }

    private static String manifest(
            Path root,
            List<Sample> train,
            List<Sample> val,
            List<String> codes,
            List<LabelledImage> comboTrain,
            List<LabelledImage> comboVal) {
        StringBuilder csv = new StringBuilder("split,class_index,k_code,group,image\n");
        appendSamples(csv, "train", train, codes, root);
        appendSamples(csv, "val", val, codes, root);
        appendCombinations(csv, "train", comboTrain, root);
        appendCombinations(csv, "val", comboVal, root);
        return csv.toString();
    }

    private static void appendSamples(
            StringBuilder csv, String split, List<Sample> samples, List<String> codes, Path root) {
        for (Sample sample : samples) {
            csv.append(split)
                    .append(',')
                    .append(sample.label())
                    .append(',')
                    .append(codes.get(sample.label()))
                    .append(',')
                    .append(PhotoGroups.of(sample.image()))
                    .append(',')
                    .append(relative(root, sample.image()))
                    .append('\n');
        }
    }

    private static void appendCombinations(
            StringBuilder csv, String split, List<LabelledImage> images, Path root) {
        for (LabelledImage image : images) {
            csv.append(split)
                    .append(",-1,")
                    .append(image.kCode())
                    .append(',')
                    .append(PhotoGroups.of(image.image()))
                    .append(',')
                    .append(relative(root, image.image()))
                    .append('\n');
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
