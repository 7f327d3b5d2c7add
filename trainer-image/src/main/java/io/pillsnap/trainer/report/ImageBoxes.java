package io.pillsnap.trainer.report;

import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.ScoredBox;
import java.util.List;

/** One photo's true boxes and what the detector found in it, in the photo's pixels. */
public record ImageBoxes(List<Box> truth, List<ScoredBox> detected) {

    public ImageBoxes {
        truth = List.copyOf(truth);
        detected = List.copyOf(detected);
    }
}
