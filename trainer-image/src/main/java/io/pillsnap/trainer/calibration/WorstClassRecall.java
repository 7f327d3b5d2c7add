package io.pillsnap.trainer.calibration;

/**
 * The lowest per-class recall: the drug the model recognises least often, which an average over
 * thousands of classes hides.
 */
public final class WorstClassRecall {

    private WorstClassRecall() {}

    /**
     * The class with the lowest recall among those with at least one true photo (classes absent
     * from the set have no recall); the lowest class index on ties.
     *
     * @param labels each image's true class
     * @param predictions each image's top-1 class
     */
    public static ClassRecall of(int[] labels, int[] predictions, int classes) {
        if (labels.length != predictions.length) {
            throw new IllegalArgumentException(
                    labels.length + " labels but " + predictions.length + " predictions");
        }
        ClassRecall.requireClassLabels(labels, classes);
        int[] support = new int[classes];
        int[] correct = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            support[labels[i]]++;
            if (predictions[i] == labels[i]) {
                correct[labels[i]]++;
            }
        }
        ClassRecall worst = null;
        for (int c = 0; c < classes; c++) {
            if (support[c] == 0) {
                continue;
            }
            double recall = (double) correct[c] / support[c];
            if (worst == null || recall < worst.recall()) {
                worst = new ClassRecall(c, support[c], correct[c], recall);
            }
        }
        if (worst == null) {
            throw new IllegalArgumentException(
                    "no images: the worst class recall needs at least one labelled image");
        }
        return worst;
    }
}
