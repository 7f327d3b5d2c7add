package io.pillsnap.trainer.report;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One held-out set for the report: its name ("validation", "test"), its evaluation and the photos
 * evaluated, {@code images.get(i)} being image i of the evaluation. An empty list of photos is
 * allowed: the report then shows no example photos for that set.
 *
 * @param name names the report's files and TensorBoard tags, so letters, digits, '-' and '_' only
 */
public record EvaluatedSet(String name, Evaluation evaluation, List<Path> images) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    public EvaluatedSet {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "evaluated set name '" + name + "' must be letters, digits, '-' or '_'");
        }
        images = List.copyOf(images);
        if (!images.isEmpty() && images.size() != evaluation.images()) {
            throw new IllegalArgumentException(
                    "set "
                            + name
                            + " has "
                            + images.size()
                            + " photos for "
                            + evaluation.images()
                            + " evaluated images: pass the photos in evaluation order, or none");
        }
    }
}
