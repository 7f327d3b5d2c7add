package io.pillsnap.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage's test set: the photos of its classes and, as unknowns, a sample of other drugs' photos,
 * on which the model should say "not sure" rather than name one of its classes.
 *
 * @param known photos of the stage's classes, labelled with their class index, sorted
 * @param unknown photos of drugs outside the classes, sorted
 */
public record TestPhotos(List<Sample> known, List<UnknownPhoto> unknown) {

    /**
     * A single-pill test photo of a drug the stage has no class for.
     *
     * @param kCode the drug, which no class index names
     */
    public record UnknownPhoto(Path image, String kCode) {

        /** The photo as the loaders take it, labelled {@link Sample#UNKNOWN}. */
        public Sample sample() {
            return new Sample(image, Sample.UNKNOWN);
        }
    }

    public TestPhotos {
        known = List.copyOf(known);
        unknown = List.copyOf(unknown);
    }

    public static TestPhotos none() {
        return new TestPhotos(List.of(), List.of());
    }

    public int size() {
        return known.size() + unknown.size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The unknown photos as samples labelled {@link Sample#UNKNOWN}, in order. */
    public List<Sample> unknownSamples() {
        return unknown.stream().map(UnknownPhoto::sample).toList();
    }

    /**
     * Known then unknown photos, for one pass of a loader; the unknown ones labelled {@link
     * Sample#UNKNOWN}.
     */
    public List<Sample> samples() {
        List<Sample> all = new ArrayList<>(known);
        all.addAll(unknownSamples());
        return List.copyOf(all);
    }
}
