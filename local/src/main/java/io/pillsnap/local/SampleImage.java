package io.pillsnap.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** A validation picture of a run, to show how to call the server with a real photo. */
final class SampleImage {

    private SampleImage() {}

    /**
     * The first validation image listed in the run's sampled manifest ({@code data/sample.csv}:
     * split, class_index, k_code, group, then the image path relative to the dataset root).
     */
    static Optional<Path> find(Path run, Path dataset) {
        Path manifest = run.resolve("data").resolve("sample.csv");
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(manifest)) {
            return lines.skip(1)
                    .map(line -> line.split(","))
                    .filter(cols -> cols.length >= 4 && cols[0].equals("val"))
                    .map(cols -> dataset.resolve(cols[cols.length - 1]))
                    .filter(Files::isRegularFile)
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A held-out combination photo of the dataset (its val/ folder, the test set), the first by
     * name; empty when it has none.
     */
    static Optional<Path> combination(Path dataset) {
        Path folder = dataset.resolve("val").resolve("images").resolve("combination");
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches("(?i).*\\.(png|jpe?g)$"))
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
