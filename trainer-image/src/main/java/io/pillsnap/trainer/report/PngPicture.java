package io.pillsnap.trainer.report;

/** An encoded PNG and its size, as report/index.html and TensorBoard's image summary need it. */
public record PngPicture(byte[] png, int width, int height) {}
