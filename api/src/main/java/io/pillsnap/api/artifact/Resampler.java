package io.pillsnap.api.artifact;

/**
 * Resamples a rectangle of an RGB image to a new size: area averaging when shrinking (no aliasing
 * of fine imprints), bilinear when enlarging. Separable: rows, then columns. Pure Java, so the
 * trainer and the inference server compute bit-identical inputs.
 */
public final class Resampler {

    private Resampler() {}

    /**
     * @param x0, y0, width, height the source rectangle, in source pixels (may be fractional)
     * @return interleaved RGB bytes of {@code outWidth * outHeight} pixels
     */
    public static byte[] resample(
            RgbImage source,
            double x0,
            double y0,
            double width,
            double height,
            int outWidth,
            int outHeight) {
        Weights columns = Weights.of(x0, width, outWidth, source.width());
        Weights rows = Weights.of(y0, height, outHeight, source.height());
        // horizontal pass over the rows the vertical pass needs
        int rowFrom = rows.minIndex();
        int rowTo = rows.maxIndex();
        float[] horizontal = new float[(rowTo - rowFrom + 1) * outWidth * 3];
        byte[] pixels = source.pixels();
        int stride = source.width() * 3;
        for (int y = rowFrom; y <= rowTo; y++) {
            int rowBase = y * stride;
            int outBase = (y - rowFrom) * outWidth * 3;
            for (int x = 0; x < outWidth; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = columns.start[x]; k < columns.start[x + 1]; k++) {
                    int p = rowBase + columns.index[k] * 3;
                    float w = columns.weight[k];
                    r += (pixels[p] & 0xff) * w;
                    g += (pixels[p + 1] & 0xff) * w;
                    b += (pixels[p + 2] & 0xff) * w;
                }
                horizontal[outBase + x * 3] = r;
                horizontal[outBase + x * 3 + 1] = g;
                horizontal[outBase + x * 3 + 2] = b;
            }
        }
        byte[] out = new byte[outWidth * outHeight * 3];
        for (int y = 0; y < outHeight; y++) {
            for (int x = 0; x < outWidth * 3; x++) {
                float sum = 0;
                for (int k = rows.start[y]; k < rows.start[y + 1]; k++) {
                    sum +=
                            horizontal[(rows.index[k] - rowFrom) * outWidth * 3 + x]
                                    * rows.weight[k];
                }
                out[y * outWidth * 3 + x] = (byte) Math.min(255, Math.max(0, Math.round(sum)));
            }
        }
        return out;
    }

    /** For each output pixel along one axis: the source pixels it reads and their weights. */
    private record Weights(int[] start, int[] index, float[] weight) {

        static Weights of(double origin, double length, int outLength, int sourceLength) {
            double scale = length / outLength;
            int[] start = new int[outLength + 1];
            int capacity = outLength * ((int) Math.ceil(Math.max(scale, 1.0)) + 2);
            int[] index = new int[capacity];
            float[] weight = new float[capacity];
            int n = 0;
            for (int o = 0; o < outLength; o++) {
                start[o] = n;
                if (scale > 1.0) {
                    // area: the source interval this output pixel covers, partial pixels weighted
                    double from = origin + o * scale;
                    double to = from + scale;
                    int first = (int) Math.floor(from);
                    int last = (int) Math.ceil(to) - 1;
                    double total = 0;
                    int begin = n;
                    for (int s = first; s <= last; s++) {
                        double cover = Math.min(to, s + 1.0) - Math.max(from, s);
                        if (cover > 0) {
                            index[n] = clamp(s, sourceLength);
                            weight[n] = (float) cover;
                            total += cover;
                            n++;
                        }
                    }
                    for (int k = begin; k < n; k++) {
                        weight[k] /= (float) total;
                    }
                } else {
                    // bilinear between the two nearest source pixel centres
                    double center = origin + (o + 0.5) * scale - 0.5;
                    int left = (int) Math.floor(center);
                    double t = center - left;
                    index[n] = clamp(left, sourceLength);
                    weight[n++] = (float) (1 - t);
                    index[n] = clamp(left + 1, sourceLength);
                    weight[n++] = (float) t;
                }
            }
            start[outLength] = n;
            return new Weights(start, index, weight);
        }

        int minIndex() {
            int min = Integer.MAX_VALUE;
            for (int k = 0; k < start[start.length - 1]; k++) {
                min = Math.min(min, index[k]);
            }
            return min;
        }

        int maxIndex() {
            int max = 0;
            for (int k = 0; k < start[start.length - 1]; k++) {
                max = Math.max(max, index[k]);
            }
            return max;
        }

        private static int clamp(int value, int length) {
            return Math.max(0, Math.min(length - 1, value));
        }
    }
}
