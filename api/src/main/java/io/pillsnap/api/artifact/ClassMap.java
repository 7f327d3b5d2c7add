package io.pillsnap.api.artifact;

import java.util.List;

/** The classifier's output index to drug, saved with every run as classes.json. */
public record ClassMap(List<DrugClass> classes) {

    public ClassMap {
        classes = List.copyOf(classes);
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).index() != i) {
                throw new IllegalArgumentException(
                        "class map entry " + i + " has index " + classes.get(i).index());
            }
        }
    }

    public int size() {
        return classes.size();
    }

    public DrugClass get(int index) {
        return classes.get(index);
    }
}
