package io.pillsnap.api.detection;

/** A detected box and the detector's confidence in it. */
public record ScoredBox(Box box, double score) {}
