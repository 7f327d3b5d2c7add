package io.pillsnap.trainer.calibration;

/** One class's recall: the share of its true photos whose top-1 is that class. */
public record ClassRecall(int classIndex, int support, int correct, double recall) {}
