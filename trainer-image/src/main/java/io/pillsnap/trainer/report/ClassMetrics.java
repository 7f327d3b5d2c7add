package io.pillsnap.trainer.report;

/** Precision, recall and F1 of one class on the validation split. */
public record ClassMetrics(
        int index, int support, int predicted, double precision, double recall, double f1) {}
