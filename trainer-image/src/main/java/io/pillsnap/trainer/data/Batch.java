package io.pillsnap.trainer.data;

import java.util.Arrays;

/**
 * A batch and where it sits in its epoch: class indices and the pictures, as the model's input
 * (NCHW floats, normalised), as the inputs' bytes (NCHW, RGB planes, a quarter of the size), which
 * the model normalises on its device, or as the pictures themselves with the augmentation the
 * device is to give them ({@link Unaugmented}).
 *
 * @param images normalised inputs, or null when {@code pixels} holds the batch
 * @param pixels RGB planes, {@code size * 3 * imageSize * imageSize} bytes; with {@code
 *     unaugmented}, the pictures (see there); or null
 * @param unaugmented the augmentation still to apply, or null when {@code pixels} are the inputs
 */
public record Batch(
        int index,
        float[] images,
        byte[] pixels,
        long[] labels,
        int size,
        Unaugmented unaugmented) {

    /** A batch of normalised inputs. */
    public Batch(int index, float[] images, long[] labels, int size) {
        this(index, images, null, labels, size, null);
    }

    /** A batch of normalised inputs or of the inputs' bytes. */
    public Batch(int index, float[] images, byte[] pixels, long[] labels, int size) {
        this(index, images, pixels, labels, size, null);
    }

    /**
     * Pictures as prepared, not yet augmented: {@code pixels} holds {@code size} slots of {@code
     * height x width} interleaved RGB bytes, each picture in the top left of its slot.
     *
     * @param sizes width and height of each picture
     * @param toSource each input's 2 x 3 map from output pixel to source point ({@link
     *     Augmenter.Draw#toSource})
     * @param colours each input's colour matrix (9) and mean weight (1) ({@link Augmenter.Draw})
     */
    public record Unaugmented(
            int height, int width, int[] sizes, float[] toSource, float[] colours) {

        public static final int COLOUR = 10;

        int slot() {
            return height * width * 3;
        }
    }

    /**
     * Pictures to be augmented on the model's device by their draws, each in the top left of a slot
     * as large as the batch's largest.
     */
    public static Batch unaugmented(
            int index, ImageSource.Picture[] pictures, Augmenter.Draw[] draws, long[] labels) {
        int size = pictures.length;
        int height = 0;
        int width = 0;
        for (ImageSource.Picture picture : pictures) {
            height = Math.max(height, picture.height());
            width = Math.max(width, picture.width());
        }
        int slot = height * width * 3;
        byte[] pixels = new byte[size * slot];
        int[] sizes = new int[size * 2];
        float[] toSource = new float[size * 6];
        float[] colours = new float[size * Unaugmented.COLOUR];
        for (int i = 0; i < size; i++) {
            ImageSource.Picture picture = pictures[i];
            picture.copyTo(pixels, i * slot, width * 3);
            sizes[i * 2] = picture.width();
            sizes[i * 2 + 1] = picture.height();
            Augmenter.Draw draw = draws[i];
            for (int k = 0; k < 6; k++) {
                toSource[i * 6 + k] = (float) draw.toSource()[k];
            }
            System.arraycopy(draw.colourMatrix(), 0, colours, i * Unaugmented.COLOUR, 9);
            colours[i * Unaugmented.COLOUR + 9] = draw.meanWeight();
        }
        return new Batch(
                index,
                null,
                pixels,
                labels,
                size,
                new Unaugmented(height, width, sizes, toSource, colours));
    }

    /** Pictures {@code from} (inclusive) to {@code to} of this batch, for micro-batches. */
    public Batch slice(int from, int to, int imageSize) {
        if (from == 0 && to == size) {
            return this;
        }
        long[] part = Arrays.copyOfRange(labels, from, to);
        if (unaugmented != null) {
            Unaugmented u = unaugmented;
            return new Batch(
                    index,
                    null,
                    Arrays.copyOfRange(pixels, from * u.slot(), to * u.slot()),
                    part,
                    to - from,
                    new Unaugmented(
                            u.height(),
                            u.width(),
                            Arrays.copyOfRange(u.sizes(), from * 2, to * 2),
                            Arrays.copyOfRange(u.toSource(), from * 6, to * 6),
                            Arrays.copyOfRange(
                                    u.colours(),
                                    from * Unaugmented.COLOUR,
                                    to * Unaugmented.COLOUR)));
        }
        int plane = 3 * imageSize * imageSize;
        if (pixels != null) {
            return new Batch(
                    index,
                    null,
                    Arrays.copyOfRange(pixels, from * plane, to * plane),
                    part,
                    to - from);
        }
        return new Batch(
                index, Arrays.copyOfRange(images, from * plane, to * plane), part, to - from);
    }
}
