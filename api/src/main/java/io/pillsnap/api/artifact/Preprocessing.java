package io.pillsnap.api.artifact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

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
        normalise(square(image).pixels(), out, offset);
    }

    /** The centre square of the picture at the input size: the geometric part of the recipe. */
    public RgbImage square(RgbImage rgb) {
        int side = Math.min(rgb.width(), rgb.height());
        int x0 = (rgb.width() - side) / 2;
        int y0 = (rgb.height() - side) / 2;
        return new RgbImage(
                imageSize,
                imageSize,
                Resampler.resample(rgb, x0, y0, side, side, imageSize, imageSize));
    }

    /** Interleaved RGB bytes of a {@code imageSize} square to normalised CHW floats. */
    public void normalise(byte[] rgb, float[] out, int offset) {
        int pixels = imageSize * imageSize;
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (1.0 / (255.0 * std.get(c)));
            shift[c] = (float) (mean.get(c) / std.get(c));
        }
        for (int p = 0; p < pixels; p++) {
            for (int c = 0; c < 3; c++) {
                out[offset + c * pixels + p] = (rgb[p * 3 + c] & 0xff) * scale[c] - shift[c];
            }
        }
    }
}
