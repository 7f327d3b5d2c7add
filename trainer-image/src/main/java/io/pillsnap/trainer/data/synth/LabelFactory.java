package io.pillsnap.trainer.data.synth;

import io.pillsnap.trainer.data.AihubLabel;
import io.pillsnap.trainer.data.AihubLabel.Annotation;
import io.pillsnap.trainer.data.AihubLabel.Category;
import io.pillsnap.trainer.data.AihubLabel.ImageInfo;
import io.pillsnap.trainer.data.AihubLabelImageInfoBuilder;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the AIHub label of a photo: one {@code images} entry per drug (all with the same file
 * name), one annotation per pill with its box, and a category in one of the two forms AIHub's files
 * and the sets derived from them use, mixed across files by the file's name: the generic {@code
 * {"supercategory": "pill", "id": 1, "name": "Drug"}}, or the drug's product name with its K-code's
 * number as id. Neither names the drug by K-code, so readers must take a box's drug from its file's
 * drug, as they must with the real files.
 */
final class LabelFactory {

    /** The two published forms of a label's category. */
    enum CategoryForm {
        GENERIC,
        PRODUCT_NAME;

        /** Stable per file name, about half of the files each. */
        static CategoryForm of(String fileName, String kCode) {
            return Math.floorMod((fileName + "/" + kCode).hashCode(), 2) == 0
                    ? GENERIC
                    : PRODUCT_NAME;
        }

        Category category(SyntheticDrug drug) {
            return this == GENERIC
                    ? new Category("pill", 1, "Drug")
                    : new Category("pill", kCodeNumber(drug), drug.name());
        }
    }

    private LabelFactory() {}

    /** A single-pill photo's label: its drug, its pill's box. */
    static AihubLabel label(PhotoScene scene, String fileName, int width, int height) {
        List<ImageInfo> images = new ArrayList<>();
        List<Annotation> annotations = new ArrayList<>();
        List<Category> categories = new ArrayList<>();
        for (int i = 0; i < scene.pills().size(); i++) {
            PillPose pill = scene.pills().get(i);
            SyntheticDrug drug = pill.drug();
            Category category = CategoryForm.of(fileName, drug.kCode()).category(drug);
            images.add(imageInfo(drug, fileName, width, height));
            annotations.add(
                    new Annotation(bbox(pill.bounds(), width, height), category.id(), 1, i + 1));
            if (!categories.contains(category)) {
                categories.add(category);
            }
        }
        return new AihubLabel(images, annotations, categories);
    }

    /**
     * The labels of a combination photo as AIHub publishes them: one file per drug (in a folder
     * named by its K-code inside the photo's label folder), each with that drug's metadata and the
     * boxes of its pills.
     */
    static Map<String, AihubLabel> perDrug(
            PhotoScene scene, String fileName, int width, int height) {
        Map<String, List<PillPose>> pills = new LinkedHashMap<>();
        for (PillPose pill : scene.pills()) {
            pills.computeIfAbsent(pill.drug().kCode(), code -> new ArrayList<>()).add(pill);
        }
        Map<String, AihubLabel> labels = new LinkedHashMap<>();
        int id = 0;
        for (Map.Entry<String, List<PillPose>> drugPills : pills.entrySet()) {
            SyntheticDrug drug = drugPills.getValue().get(0).drug();
            Category category = CategoryForm.of(fileName, drug.kCode()).category(drug);
            List<Annotation> boxes = new ArrayList<>();
            for (PillPose pill : drugPills.getValue()) {
                boxes.add(
                        new Annotation(bbox(pill.bounds(), width, height), category.id(), 1, ++id));
            }
            labels.put(
                    drugPills.getKey(),
                    new AihubLabel(
                            List.of(imageInfo(drug, fileName, width, height)),
                            boxes,
                            List.of(category)));
        }
        return labels;
    }

    private static int kCodeNumber(SyntheticDrug drug) {
        return Integer.parseInt(drug.kCode().substring(2));
    }

    private static ImageInfo imageInfo(SyntheticDrug drug, String fileName, int width, int height) {
        return AihubLabelImageInfoBuilder.builder()
                .fileName(fileName)
                .width(width)
                .height(height)
                .ediCode(drug.ediCode())
                .kCode(drug.kCode())
                .drugName(drug.name())
                .company(drug.company())
                .shape(drug.shape().label())
                .color1(drug.color1().label())
                .color2(drug.color2() == null ? null : drug.color2().label())
                .printFront(drug.printFront())
                .printBack(drug.printBack())
                .drugNumber(drug.kCode())
                .drugIndex(String.valueOf(kCodeNumber(drug)))
                .build();
    }

    /** Whole pixels, like the real labels: the smallest integer box holding the pill. */
    private static List<Double> bbox(Rectangle2D box, int width, int height) {
        double left = Math.max(0, Math.floor(box.getMinX()));
        double top = Math.max(0, Math.floor(box.getMinY()));
        double right = Math.min(width, Math.ceil(box.getMaxX()));
        double bottom = Math.min(height, Math.ceil(box.getMaxY()));
        return List.of(left, top, right - left, bottom - top);
    }
}
