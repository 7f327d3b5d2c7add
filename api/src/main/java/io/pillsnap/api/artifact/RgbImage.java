package io.pillsnap.api.artifact;

import java.awt.image.BufferedImage;

/**
 * An image as interleaved 8-bit RGB, whatever it was decoded as (gray, indexed, RGBA: alpha is
 * dropped, as the reference pipeline does).
 */
public record RgbImage(int width, int height, byte[] pixels) {

    public static RgbImage of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        int[] argb = image.getRGB(0, 0, width, height, null, 0, width);
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < argb.length; i++) {
            int value = argb[i];
            rgb[i * 3] = (byte) (value >> 16);
            rgb[i * 3 + 1] = (byte) (value >> 8);
            rgb[i * 3 + 2] = (byte) value;
        }
        return new RgbImage(width, height, rgb);
    }

    /** For drawing and writing with Java 2D. */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[width * height];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] =
                    (pixels[i * 3] & 0xff) << 16
                            | (pixels[i * 3 + 1] & 0xff) << 8
                            | (pixels[i * 3 + 2] & 0xff);
        }
        image.setRGB(0, 0, width, height, rgb, 0, width);
        return image;
    }

    public int at(int x, int y, int channel) {
        return pixels[(y * width + x) * 3 + channel] & 0xff;
    }
}
