package io.pillsnap.inference.predict;

import io.pillsnap.api.artifact.DrugClass;

/** A drug the classifier proposes, with its calibrated probability. */
public record RankedClass(DrugClass drug, double probability) {}
