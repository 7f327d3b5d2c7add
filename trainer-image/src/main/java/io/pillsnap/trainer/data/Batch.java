package io.pillsnap.trainer.data;

/** Input tensors (NCHW floats) and class indices of a batch, and where it sits in its epoch. */
public record Batch(int index, float[] images, long[] labels, int size) {}
