package io.pillsnap.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Reads an ImageFolder dataset: {@code root/<class>/<image>}, the class named by its folder. */
public final class ImageFolderScanner {

    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp");

    private ImageFolderScanner() {}

    public static ScanResult scan(Path root) {
        if (!Files.isDirectory(root)) {
            throw new DataException("dataset path " + root + " is not a folder");
        }
        try (Stream<Path> files = Files.walk(root, 2)) {
            List<LabelledImage> images =
                    files.filter(Files::isRegularFile)
                            .filter(p -> p.getParent() != null && !p.getParent().equals(root))
                            .filter(ImageFolderScanner::isImage)
                            .sorted()
                            .map(
                                    p ->
                                            new LabelledImage(
                                                    p,
                                                    null,
                                                    p.getParent().getFileName().toString(),
                                                    null,
                                                    false,
                                                    List.of()))
                            .toList();
            return new ScanResult(images, List.of(), new SkipReport());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1));
    }
}
