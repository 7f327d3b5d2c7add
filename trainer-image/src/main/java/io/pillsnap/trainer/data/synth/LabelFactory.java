package io.pillsnap.trainer.data.synth;

import io.pillsnap.trainer.data.AihubLabel;
import io.pillsnap.trainer.data.AihubLabel.Annotation;
import io.pillsnap.trainer.data.AihubLabel.Category;
import io.pillsnap.trainer.data.AihubLabel.ImageInfo;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

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
