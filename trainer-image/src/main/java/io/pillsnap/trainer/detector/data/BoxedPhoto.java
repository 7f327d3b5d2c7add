package io.pillsnap.trainer.detector.data;

import io.pillsnap.api.detection.Box;
import io.pillsnap.api.detection.Letterbox;
import java.nio.file.Path;
import java.util.List;

/**
 * A photo with its pills' boxes, letterboxed to the detector's input once.
 *
 * @param truth the labelled boxes in the photo's pixels
 */
public record BoxedPhoto(Path image, Letterbox.Letterboxed letterboxed, List<Box> truth) {

    /** The labelled boxes in input pixels. */
    public List<Box> truthInInput() {
        return truth.stream().map(letterboxed::toInput).toList();
    }
}
