package io.pillsnap.trainer.eval;

/** Precision, recall and F1 of one class on the validation split. */
public record ClassScore(
        int index, int support, int predicted, double precision, double recall, double f1) {}
