package io.pillsnap.inference.model;

/** One class of the classifier's answer: its output index and softmax probability. */
public record ClassScore(int classIndex, double probability) {}
