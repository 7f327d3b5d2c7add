package io.pillsnap.trainer.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pillsnap.api.artifact.ClassMap;
import io.pillsnap.api.artifact.DrugClass;
import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.PipelineAccuracy;
import io.pillsnap.trainer.data.DataException;
import io.pillsnap.trainer.data.LabelledImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The labelled pills the two-stage pipeline is scored on: each box of a combination photo whose
 * drug is one of the stage's classes. A box of another drug is left out (the classifier cannot name
 * it); a box whose label names no drug is left out and counted apart, since it points at a reader
 * or label problem rather than at the model.
 */
public final class PipelineTruth {

    /**
     * @param boxes every labelled box of the photos
     * @param scored boxes of the stage's drugs: the pills the pipeline is scored on
     * @param otherDrugs boxes of drugs outside the stage's classes
     * @param noDrug boxes whose label names no drug
     */
    public record Counts(
            int boxes,
            @JsonProperty("scoredBoxes") int scored,
            @JsonProperty("otherDrugBoxes") int otherDrugs,
            @JsonProperty("noDrugBoxes") int noDrug) {

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%,d of %,d boxes scored (%,d of other drugs, %,d naming no drug)",
                    scored,
                    boxes,
                    otherDrugs,
                    noDrug);
        }
    }

    private final Map<String, Integer> index = new HashMap<>();
    private int boxes;
    private int scored;
    private int otherDrugs;
    private int noDrug;

    public PipelineTruth(ClassMap classes) {
        for (DrugClass drug : classes.classes()) {
            index.put(drug.kCode(), drug.index());
        }
    }

    /** The pills of {@code photo} the pipeline is scored on; counts its boxes. */
    public List<PipelineAccuracy.TruePill> pillsOf(LabelledImage photo) {
        List<PipelineAccuracy.TruePill> pills = new ArrayList<>();
        for (LabelledImage.Box box : photo.boxes()) {
            boxes++;
            if (box.kCode() == null) {
                noDrug++;
                continue;
            }
            Integer classIndex = index.get(box.kCode());
            if (classIndex == null) {
                otherDrugs++;
                continue;
            }
            scored++;
            pills.add(
                    new PipelineAccuracy.TruePill(
                            Box.ofXywh(box.x(), box.y(), box.width(), box.height()), classIndex));
        }
        return pills;
    }

    public Counts counts() {
        return new Counts(boxes, scored, otherDrugs, noDrug);
    }

    /** The counts of {@code photos} against {@code classes}. */
    public static Counts count(List<LabelledImage> photos, ClassMap classes) {
        PipelineTruth truth = new PipelineTruth(classes);
        photos.forEach(truth::pillsOf);
        return truth.counts();
    }

    /**
     * Fails, before any training, a run that trains both models when its validation combination
     * photos hold no pill of the stage's drugs: the pipeline metric would have nothing to score.
     */
    public static void requireScorable(List<LabelledImage> validation, ClassMap classes) {
        Counts counts = count(validation, classes);
        if (counts.scored() > 0) {
            return;
        }
        String cause;
        if (validation.isEmpty()) {
            cause =
                    "the training data has no combination photos to validate on (they go under"
                            + " train/images/combination and train/labels/combination)";
        } else if (counts.boxes() == 0) {
            cause =
                    "their labels hold no box with a positive width and height (annotations[].bbox"
                            + " = [x, y, width, height] in pixels)";
        } else if (counts.noDrug() == counts.boxes()) {
            cause =
                    "no box could be given a drug: a box's drug is its label file's drug"
                            + " (images[0].dl_mapping_code or drug_N, else the K-code folder of a"
                            + " per-drug file <codes>_json/<K-code>/<photo>.json); check that the"
                            + " labels name K-codes";
        } else {
            cause =
                    "the boxes name drugs outside the stage's "
                            + classes.size()
                            + " classes: combination photos of other drugs, or classes sampled"
                            + " from other photos (raise spec.dataset.classes, or add combination"
                            + " photos of the sampled drugs)";
        }
        throw new DataException(
                String.format(
                        Locale.ROOT,
                        "the two-stage pipeline has nothing to score: 0 of %,d boxes on %,d"
                                + " validation combination photos name a drug of this stage (%,d"
                                + " of other drugs, %,d naming no drug): %s",
                        counts.boxes(),
                        validation.size(),
                        counts.otherDrugs(),
                        counts.noDrug(),
                        cause));
    }
}
