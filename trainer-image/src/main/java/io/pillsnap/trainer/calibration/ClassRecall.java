package io.pillsnap.trainer.calibration;

/** One class's recall: the share of its true photos whose top-1 is that class. */
public record ClassRecall(int classIndex, int support, int correct, double recall) {

    /** Refuses a label outside {@code [0, classes)}, naming the image. */
    static void requireClassLabels(int[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(
                        "label %d of image %d is not one of the %d classes"
                                .formatted(labels[i], i, classes));
            }
        }
    }
}
