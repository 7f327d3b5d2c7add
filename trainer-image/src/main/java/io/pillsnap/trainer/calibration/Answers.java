package io.pillsnap.trainer.calibration;

/**
 * Each image's top-1 answer as calibration judges it: its confidence and whether the named class is
 * the true one.
 *
 * @param confidence top-1 probability per image, 0 to 1; not copied
 * @param correct whether the top-1 class is the true class, per image; not copied
 */
public record Answers(double[] confidence, boolean[] correct) {

    public Answers {
        if (confidence.length != correct.length) {
            throw new IllegalArgumentException(
                    confidence.length
                            + " confidences but "
                            + correct.length
                            + " right-or-wrong flags: both are per image");
        }
        for (int i = 0; i < confidence.length; i++) {
            if (!(confidence[i] >= 0 && confidence[i] <= 1)) {
                throw new IllegalArgumentException(
                        "confidence of image " + i + " is " + confidence[i] + ", not in [0, 1]");
            }
        }
    }

    /**
     * The calibrated top-1 confidences of {@code logits} and whether their top-1 is right; a label
     * outside the classes (a photo of a drug the stage does not know) is never right.
     */
    public static Answers of(Logits logits, int[] labels, double temperature) {
        if (labels.length != logits.images()) {
            throw new IllegalArgumentException(
                    labels.length + " labels for the logits of " + logits.images() + " images");
        }
        boolean[] correct = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            correct[i] = logits.top(i) == labels[i];
        }
        return new Answers(TemperatureScaling.topConfidences(logits, temperature), correct);
    }

    public int images() {
        return confidence.length;
    }
}
