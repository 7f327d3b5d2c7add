package io.pillsnap.trainer.data;

import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.api.detection.Box;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Classifier samples cut from the training combination photos: each labelled pill of a drug in the
 * stage's class map, as the padded square crop the two-stage pipeline hands the classifier.
 */
public final class ComboCrops {

    private ComboCrops() {}

    /**
     * At most {@code count} pills drawn with {@code seed} from the sample's training combination
     * photos (never the validation ones), in a stable order; none when it has no combination.
     */
    public static List<Sample> of(StageSample sample, int count, long seed) {
        Map<String, Integer> labels = new HashMap<>();
        for (DrugClass drug : sample.classes().classes()) {
            labels.put(drug.kCode(), drug.index());
        }
        List<Sample> all = new ArrayList<>();
        for (LabelledImage photo : sample.combinationTrain()) {
            for (LabelledImage.Box box : photo.boxes()) {
                Integer label = labels.get(box.kCode());
                if (label != null && box.width() > 0 && box.height() > 0) {
                    all.add(
                            new Sample(
                                    photo.image(),
                                    label,
                                    Box.ofXywh(box.x(), box.y(), box.width(), box.height())));
                }
            }
        }
        if (all.size() > count) {
            Collections.shuffle(all, new Random(seed));
            all = new ArrayList<>(all.subList(0, Math.max(0, count)));
        }
        all.sort(
                Comparator.comparing((Sample s) -> s.image().toString())
                        .thenComparingDouble(s -> s.pill().x1())
                        .thenComparingDouble(s -> s.pill().y1()));
        return List.copyOf(all);
    }
}
