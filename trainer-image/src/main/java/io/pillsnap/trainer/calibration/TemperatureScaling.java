package io.pillsnap.trainer.calibration;

/**
 * Temperature scaling (Guo et al. 2017, "On Calibration of Modern Neural Networks"): one scalar
 * {@code T > 0}, fitted on validation logits, turns them into the confidence shown and thresholded,
 * {@code softmax(logits / T)}. Dividing by T keeps every image's top-1 class, so accuracy is
 * unchanged; only how sure the model says it is changes.
 */
public final class TemperatureScaling {

    /** Below this the softmax is a hard maximum for any logits a network produces. */
    public static final double MIN_TEMPERATURE = 0.05;

    /** Above this the softmax is nearly uniform for any logits a network produces. */
    public static final double MAX_TEMPERATURE = 20;

    private static final int MAX_STEPS = 200;
    private static final double TOLERANCE = 1e-10;

    private TemperatureScaling() {}

    /**
     * The temperature minimising the mean negative log-likelihood of {@code labels}, within
     * [{@value #MIN_TEMPERATURE}, {@value #MAX_TEMPERATURE}] (a bound is returned when the minimum
     * lies beyond it: a model right on every image with separated logits wants T near 0, one that
     * guesses wants T near infinity).
     *
     * <p>The search runs on the inverse temperature b = 1/T, in which the loss, {@code logsumexp(b
     * z) - b z_label}, is convex with slope {@code E_p[z] - z_label} and curvature {@code
     * Var_p[z]}: Newton steps inside a bracket that shrinks on the slope's sign, with a bisection
     * (in log b) whenever a step would leave it. It converges in a handful of passes over the
     * logits, where a golden-section search would need dozens.
     */
    public static TemperatureFit fit(Logits logits, int[] labels) {
        check(logits, labels);
        double low = 1 / MAX_TEMPERATURE;
        double high = 1 / MIN_TEMPERATURE;
        double temperature;
        if (slopeAndCurvature(logits, labels, low)[0] >= 0) {
            temperature = MAX_TEMPERATURE;
        } else if (slopeAndCurvature(logits, labels, high)[0] <= 0) {
            temperature = MIN_TEMPERATURE;
        } else {
            temperature = 1 / minimum(logits, labels, low, high);
        }
        return new TemperatureFit(
                temperature,
                negativeLogLikelihood(logits, labels, 1),
                negativeLogLikelihood(logits, labels, temperature));
    }

    /** Mean of {@code -log softmax(logits / temperature)[label]} over the images. */
    public static double negativeLogLikelihood(Logits logits, int[] labels, double temperature) {
        check(logits, labels);
        checkTemperature(temperature);
        float[] z = logits.values();
        int classes = logits.classes();
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            int offset = i * classes;
            double max = max(z, offset, classes) / temperature;
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(z[offset + c] / temperature - max);
            }
            sum += max + Math.log(total) - z[offset + labels[i]] / temperature;
        }
        return sum / labels.length;
    }

    /** {@code softmax(logits / temperature)} of one image. */
    public static double[] probabilities(float[] logitsOfOneImage, double temperature) {
        checkTemperature(temperature);
        double max = max(logitsOfOneImage, 0, logitsOfOneImage.length);
        double[] probabilities = new double[logitsOfOneImage.length];
        double total = 0;
        for (int c = 0; c < probabilities.length; c++) {
            probabilities[c] = Math.exp((logitsOfOneImage[c] - max) / temperature);
            total += probabilities[c];
        }
        for (int c = 0; c < probabilities.length; c++) {
            probabilities[c] /= total;
        }
        return probabilities;
    }

    /** Each image's largest probability of {@code softmax(logits / temperature)}. */
    public static double[] topConfidences(Logits logits, double temperature) {
        checkTemperature(temperature);
        float[] z = logits.values();
        int classes = logits.classes();
        double[] confidences = new double[logits.images()];
        for (int i = 0; i < confidences.length; i++) {
            int offset = i * classes;
            double max = max(z, offset, classes);
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp((z[offset + c] - max) / temperature);
            }
            // the top class contributes exp(0) = 1 to the total
            confidences[i] = 1 / total;
        }
        return confidences;
    }

    private static double minimum(Logits logits, int[] labels, double low, double high) {
        double b = Math.min(high, Math.max(low, 1.0));
        for (int step = 0; step < MAX_STEPS; step++) {
            double[] derivatives = slopeAndCurvature(logits, labels, b);
            double slope = derivatives[0];
            if (slope == 0) {
                return b;
            }
            if (slope < 0) {
                low = b;
            } else {
                high = b;
            }
            double next = b - slope / derivatives[1];
            if (!(next > low && next < high)) {
                next = Math.sqrt(low * high);
            }
            if (Math.abs(next - b) <= TOLERANCE * b) {
                return next;
            }
            b = next;
        }
        return b;
    }

    /** The loss's first and second derivatives in the inverse temperature b, averaged. */
    private static double[] slopeAndCurvature(Logits logits, int[] labels, double b) {
        float[] z = logits.values();
        int classes = logits.classes();
        double[] weights = new double[classes];
        double slope = 0;
        double curvature = 0;
        for (int i = 0; i < labels.length; i++) {
            int offset = i * classes;
            double max = max(z, offset, classes);
            double total = 0;
            double weighted = 0;
            for (int c = 0; c < classes; c++) {
                weights[c] = Math.exp(b * (z[offset + c] - max));
                total += weights[c];
                weighted += weights[c] * z[offset + c];
            }
            double mean = weighted / total;
            // the variance around the mean, not E[z^2] - E[z]^2, which cancels catastrophically
            double spread = 0;
            for (int c = 0; c < classes; c++) {
                double d = z[offset + c] - mean;
                spread += weights[c] * d * d;
            }
            slope += mean - z[offset + labels[i]];
            curvature += spread / total;
        }
        return new double[] {slope / labels.length, curvature / labels.length};
    }

    private static double max(float[] values, int offset, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < length; c++) {
            max = Math.max(max, values[offset + c]);
        }
        return max;
    }

    private static void check(Logits logits, int[] labels) {
        if (labels.length == 0) {
            throw new IllegalArgumentException(
                    "no images: a temperature is fitted on at least one labelled image");
        }
        if (labels.length != logits.images()) {
            throw new IllegalArgumentException(
                    labels.length + " labels for the logits of " + logits.images() + " images");
        }
        float[] z = logits.values();
        for (int i = 0; i < z.length; i++) {
            if (!Float.isFinite(z[i])) {
                throw new IllegalArgumentException(
                        "logit "
                                + i % logits.classes()
                                + " of image "
                                + i / logits.classes()
                                + " is "
                                + z[i]
                                + ": the model's outputs are not finite (did training diverge?)");
            }
        }
        ClassRecall.requireClassLabels(labels, logits.classes());
    }

    private static void checkTemperature(double temperature) {
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException(
                    "temperature must be a positive number, got " + temperature);
        }
    }
}
