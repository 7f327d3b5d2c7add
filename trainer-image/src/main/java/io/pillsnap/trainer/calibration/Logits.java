package io.pillsnap.trainer.calibration;

/**
 * A held-out set's classifier logits, row-major {@code [image, class]} as the model returns them
 * per batch.
 *
 * @param values {@code images * classes} logits; not copied
 * @param classes how many logits each image has
 */
public record Logits(float[] values, int classes) {

    public Logits {
        if (classes < 2) {
            throw new IllegalArgumentException(
                    classes + " classes: calibration needs logits of at least 2 classes");
        }
        if (values.length % classes != 0) {
            throw new IllegalArgumentException(
                    values.length
                            + " logits are not a whole number of images of "
                            + classes
                            + " classes");
        }
    }

    /** One array per image, all of the same length; the values are copied into one array. */
    public static Logits of(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("no images: calibration needs at least one image");
        }
        int classes = rows[0].length;
        float[] values = new float[rows.length * classes];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != classes) {
                throw new IllegalArgumentException(
                        "image "
                                + i
                                + " has "
                                + rows[i].length
                                + " logits, image 0 has "
                                + classes);
            }
            System.arraycopy(rows[i], 0, values, i * classes, classes);
        }
        return new Logits(values, classes);
    }

    public int images() {
        return values.length / classes;
    }

    /** The class with the largest logit; the lowest index on ties, as the evaluator counts. */
    public int top(int image) {
        int offset = image * classes;
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (values[offset + c] > values[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}
