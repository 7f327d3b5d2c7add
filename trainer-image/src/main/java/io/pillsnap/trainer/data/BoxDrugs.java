package io.pillsnap.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which drug each box of an AIHub label file shows. A file with one drug (a single-pill label, or
 * one drug's file of a combination photo) owns all its boxes: the drug is its {@code images[0]}
 * K-code ({@code dl_mapping_code}, else {@code drug_N}), else its K-code folder. A category's name
 * or id is never the drug by itself (AIHub names its one category "Drug"; derived sets use product
 * names); it only picks among the drugs of a file that lists several, and only where it is
 * unambiguously one of them: a name equal to its K-code, or an id equal to its K-code's number or
 * its {@code dl_idx}. A box that cannot be resolved has no drug (null).
 */
public final class BoxDrugs {

    private static final Pattern K_CODE = Pattern.compile("K-\\d+");

    private BoxDrugs() {}

    /** The K-code a label names for {@code image}, or null. */
    public static String kCodeOf(AihubLabel.ImageInfo image) {
        if (image == null) {
            return null;
        }
        if (isKCode(image.kCode())) {
            return image.kCode().strip();
        }
        return isKCode(image.drugNumber()) ? image.drugNumber().strip() : null;
    }

    /** K-000059: a drug's code, not a combination folder's (K-000250-000573). */
    public static boolean isKCode(String text) {
        return text != null && K_CODE.matcher(text.strip()).matches();
    }

    /** The drugs a label file names, in order; its folder's K-code when its entry names none. */
    static List<String> drugsOf(AihubLabel label, Path file) {
        Set<String> drugs = new LinkedHashSet<>();
        for (AihubLabel.ImageInfo image : label.images()) {
            String code = kCodeOf(image);
            if (code != null) {
                drugs.add(code);
            }
        }
        if (drugs.isEmpty() && label.images().size() <= 1) {
            String folder = AihubLayout.codeFolderOf(file);
            if (isKCode(folder)) {
                drugs.add(folder);
            }
        }
        return List.copyOf(drugs);
    }

    /** Every box of {@code label} with a positive size, each with its drug or null. */
    static List<LabelledImage.Box> boxes(AihubLabel label, Path file) {
        List<String> drugs = drugsOf(label, file);
        Map<Integer, AihubLabel.Category> categories = new HashMap<>();
        for (AihubLabel.Category category : label.categories()) {
            if (category.id() != null) {
                categories.putIfAbsent(category.id(), category);
            }
        }
        List<LabelledImage.Box> boxes = new ArrayList<>();
        for (AihubLabel.Annotation annotation : label.annotations()) {
            List<Double> bbox = annotation.bbox();
            if (bbox == null || bbox.size() != 4 || bbox.get(2) <= 0 || bbox.get(3) <= 0) {
                continue;
            }
            String drug =
                    drugs.size() == 1
                            ? drugs.get(0)
                            : among(label, annotation.categoryId(), categories);
            boxes.add(
                    new LabelledImage.Box(
                            bbox.get(0), bbox.get(1), bbox.get(2), bbox.get(3), drug));
        }
        return boxes;
    }

    /** The one drug of the file that the box's category points at, or null. */
    private static String among(
            AihubLabel label, Integer categoryId, Map<Integer, AihubLabel.Category> categories) {
        if (categoryId == null) {
            return null;
        }
        AihubLabel.Category category = categories.get(categoryId);
        String name = category == null || category.name() == null ? null : category.name().strip();
        Set<String> matches = new LinkedHashSet<>();
        for (AihubLabel.ImageInfo image : label.images()) {
            String code = kCodeOf(image);
            if (code == null) {
                continue;
            }
            boolean byName = code.equals(name);
            boolean byNumber = categoryId == number(code);
            boolean byIndex =
                    image.drugIndex() != null
                            && image.drugIndex().strip().equals(String.valueOf(categoryId));
            if (byName || byNumber || byIndex) {
                matches.add(code);
            }
        }
        return matches.size() == 1 ? matches.iterator().next() : null;
    }

    private static long number(String kCode) {
        return Long.parseLong(kCode.substring(2));
    }
}
