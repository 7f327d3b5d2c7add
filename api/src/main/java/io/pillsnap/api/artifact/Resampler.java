package io.pillsnap.api.artifact;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Resamples a rectangle of an RGB image to a new size with OpenCV: area averaging when shrinking
 * (no aliasing of fine imprints), bilinear when enlarging. The trainer and the inference server
 * call this one method, so they compute identical inputs.
 */
public final class Resampler {

    private Resampler() {}

    /**
     * @param x0, y0, width, height the source rectangle, in whole source pixels
     * @return interleaved RGB bytes of {@code outWidth * outHeight} pixels
     */
    public static byte[] resample(
            RgbImage source, int x0, int y0, int width, int height, int outWidth, int outHeight) {
        if (x0 < 0
                || y0 < 0
                || width < 1
                || height < 1
                || x0 + width > source.width()
                || y0 + height > source.height()) {
            throw new IllegalArgumentException(
                    String.format(
                            "rectangle %d,%d %dx%d is not inside the %dx%d image",
                            x0, y0, width, height, source.width(), source.height()));
        }
        NativeImaging.load();
        Mat image = toMat(source);
        try {
            return resample(image, x0, y0, width, height, outWidth, outHeight);
        } finally {
            image.release();
        }
    }

    /**
     * {@link #resample(RgbImage, int, int, int, int, int, int)} on an OpenCV matrix of 3 channels
     * of 8 bits, in whatever channel order it holds (each channel is resampled on its own, so BGR
     * in gives the same bytes as RGB in, channels swapped); the rectangle is not checked.
     */
    static byte[] resample(
            Mat image, int x0, int y0, int width, int height, int outWidth, int outHeight) {
        Mat out = new Mat();
        try {
            Mat part =
                    x0 == 0 && y0 == 0 && width == image.cols() && height == image.rows()
                            ? image
                            : image.submat(y0, y0 + height, x0, x0 + width);
            boolean shrinking = outWidth <= width && outHeight <= height;
            Imgproc.resize(
                    part,
                    out,
                    new Size(outWidth, outHeight),
                    0,
                    0,
                    shrinking ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            byte[] pixels = new byte[outWidth * outHeight * 3];
            out.get(0, 0, pixels);
            return pixels;
        } finally {
            out.release();
        }
    }

    /** The whole image, resampled to {@code outWidth * outHeight}. */
    public static RgbImage resize(RgbImage source, int outWidth, int outHeight) {
        return new RgbImage(
                outWidth,
                outHeight,
                resample(source, 0, 0, source.width(), source.height(), outWidth, outHeight));
    }

    static Mat toMat(RgbImage image) {
        Mat mat = new Mat(image.height(), image.width(), CvType.CV_8UC3);
        mat.put(0, 0, image.pixels());
        return mat;
    }
}
