package io.pillsnap.trainer.data.synth;

import io.pillsnap.trainer.data.AihubLabel;
import io.pillsnap.trainer.data.AihubLabel.Annotation;
import io.pillsnap.trainer.data.AihubLabel.Category;
import io.pillsnap.trainer.data.AihubLabel.ImageInfo;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the AIHub label of a photo: one {@code images} entry per drug (all with the same file
 * name), one annotation per pill with its box, one category per drug named by K-code.
 */
final class LabelFactory {

    private LabelFactory() {}

    static AihubLabel label(PhotoScene scene, String fileName, int width, int height) {
        List<ImageInfo> images = new ArrayList<>();
        List<Annotation> annotations = new ArrayList<>();
        List<Category> categories = new ArrayList<>();
        for (int i = 0; i < scene.pills().size(); i++) {
            PillPose pill = scene.pills().get(i);
            SyntheticDrug drug = pill.drug();
            int id = i + 1;
            images.add(imageInfo(drug, fileName, width, height));
            annotations.add(new Annotation(bbox(pill.bounds(), width, height), id, id, id));
            categories.add(new Category(id, drug.kCode()));
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
        Map<String, List<Annotation>> boxes = new LinkedHashMap<>();
        Map<String, SyntheticDrug> drugs = new LinkedHashMap<>();
        int id = 0;
        for (PillPose pill : scene.pills()) {
            id++;
            drugs.put(pill.drug().kCode(), pill.drug());
            boxes.computeIfAbsent(pill.drug().kCode(), code -> new ArrayList<>())
                    .add(new Annotation(bbox(pill.bounds(), width, height), 1, 1, id));
        }
        Map<String, AihubLabel> labels = new LinkedHashMap<>();
        drugs.forEach(
                (code, drug) ->
                        labels.put(
                                code,
                                new AihubLabel(
                                        List.of(imageInfo(drug, fileName, width, height)),
                                        boxes.get(code),
                                        List.of(new Category(1, code)))));
        return labels;
    }

    private static ImageInfo imageInfo(SyntheticDrug drug, String fileName, int width, int height) {
        return new ImageInfo(
                fileName,
                width,
                height,
                drug.ediCode(),
                drug.kCode(),
                drug.name(),
                drug.company(),
                drug.shape().label(),
                drug.color1().label(),
                drug.color2() == null ? null : drug.color2().label(),
                drug.printFront(),
                drug.printBack(),
                drug.kCode());
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
