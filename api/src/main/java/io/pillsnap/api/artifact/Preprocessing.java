package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.opencv.core.Mat;

/**
 * How a photo becomes the classifier's input, written once and used by the trainer (evaluation and
 * the export check) and the inference server alike: the photo decoded by {@link ImageDecoder} at
 * {@link #decodeSide()} (a JPEG reduced in the DCT domain while its shorter side stays at least the
 * input size), its square center resampled to {@code imageSize} by area averaging (bilinear when
 * enlarging), RGB, scaled to [0, 1], normalised per channel, channels first. Stored in every
 * model's manifest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Preprocessing(
        int imageSize,
        String resize,
        String colorOrder,
        String layout,
        List<Double> mean,
        List<Double> std) {

    public static final String RESIZE = "center-square-area";
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

    public static Preprocessing imagenet(int imageSize) {
        return new Preprocessing(imageSize, RESIZE, "RGB", "NCHW", IMAGENET_MEAN, IMAGENET_STD);
    }

    /** The shorter side to decode photos at: {@link ImageDecoder#decode(byte[], long, int)}. */
    @JsonIgnore
    public int decodeSide() {
        return imageSize;
    }

    /** The input tensor of one decoded photo, CHW, {@code 3 * imageSize * imageSize} floats. */
    public float[] toTensor(RgbImage image) {
        float[] out = new float[3 * imageSize * imageSize];
        toTensor(image, out, 0);
        return out;
    }

    /** Writes the input tensor of one decoded photo into {@code out} from {@code offset}. */
    public void toTensor(RgbImage image, float[] out, int offset) {
        normalise(square(image).pixels(), false, out, offset);
    }

    /**
     * Writes the input tensor of a photo file's bytes into {@code out} from {@code offset}: the
     * same floats as {@code toTensor(ImageDecoder.decode(photo, maxPixels, decodeSide()), out,
     * offset)}, computed on the decoder's own BGR matrix, so the decoded photo is neither swapped
     * to RGB nor copied whole (the request path of the inference server).
     *
     * @throws ImageDecoder.UnreadableImageException as {@link ImageDecoder#decode(byte[], long,
     *     int)} does
     */
    public void toTensor(byte[] photo, long maxPixels, float[] out, int offset)
            throws ImageDecoder.UnreadableImageException {
        Mat bgr = ImageDecoder.decodeBgr(photo, maxPixels, decodeSide());
        try {
            Square square = Square.of(bgr.cols(), bgr.rows());
            byte[] pixels =
                    Resampler.resample(
                            bgr,
                            square.x0(),
                            square.y0(),
                            square.side(),
                            square.side(),
                            imageSize,
                            imageSize);
            normalise(pixels, true, out, offset);
        } finally {
            bgr.release();
        }
    }

    /** The centre square of the picture at the input size: the geometric part of the recipe. */
    public RgbImage square(RgbImage rgb) {
        Square square = Square.of(rgb.width(), rgb.height());
        return new RgbImage(
                imageSize,
                imageSize,
                Resampler.resample(
                        rgb,
                        square.x0(),
                        square.y0(),
                        square.side(),
                        square.side(),
                        imageSize,
                        imageSize));
    }

    /** Interleaved RGB bytes of a {@code imageSize} square to normalised CHW floats. */
    public void normalise(byte[] rgb, float[] out, int offset) {
        normalise(rgb, false, out, offset);
    }

    /**
     * Interleaved RGB (or BGR) bytes of a {@code imageSize} square to normalised RGB CHW floats.
     */
    private void normalise(byte[] pixels, boolean bgr, float[] out, int offset) {
        int count = imageSize * imageSize;
        for (int c = 0; c < 3; c++) {
            float scale = (float) (1.0 / (255.0 * std.get(c)));
            float shift = (float) (mean.get(c) / std.get(c));
            int source = bgr ? 2 - c : c;
            int base = offset + c * count;
            for (int p = 0; p < count; p++) {
                out[base + p] = (pixels[p * 3 + source] & 0xff) * scale - shift;
            }
        }
    }

    /** The largest centred square of a {@code width x height} picture. */
    private record Square(int x0, int y0, int side) {
        static Square of(int width, int height) {
            int side = Math.min(width, height);
            return new Square((width - side) / 2, (height - side) / 2, side);
        }
    }
}
