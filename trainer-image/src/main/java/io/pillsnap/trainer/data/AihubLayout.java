package io.pillsnap.trainer.data;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Folder conventions of AIHub dataset 576 after extraction:
 *
 * <pre>
 * {root}/train/images/single/TS_1_single/K-000059/K-000059_0_2_0_2_70_000_200.png
 * {root}/train/labels/single/TL_1_single/K-000059_json/K-000059_0_2_0_2_70_000_200.json
 * {root}/train/images/combination/TS_1_combo/K-000250-000573-002483/K-000250-..._200.png
 * {root}/train/labels/combination/TL_1_combo/K-000250-000573-002483_json/K-000250-..._200.json
 * {root}/val/...   (AIHub's validation set: the final test set, never used to train)
 * </pre>
 */
public final class AihubLayout {

    public static final String SINGLE = "single";
    public static final String COMBINATION = "combination";

    private AihubLayout() {}

    /** Which part of the data a folder holds. */
    public enum Split {
        /** AIHub's training set: stages sample their train and validation images here. */
        TRAIN("train", "TS", "TL"),
        /** AIHub's validation set: kept as the final test set. */
        VAL("val", "VS", "VL");

        private final String folder;
        private final String imagePrefix;
        private final String labelPrefix;

        Split(String folder, String imagePrefix, String labelPrefix) {
            this.folder = folder;
            this.imagePrefix = imagePrefix;
            this.labelPrefix = labelPrefix;
        }

        public String folder() {
            return folder;
        }
    }

    public static Path labelsRoot(Path root, Split split, String kind) {
        return root.resolve(split.folder).resolve("labels").resolve(kind);
    }

    public static Path imagesRoot(Path root, Split split, String kind) {
        return root.resolve(split.folder).resolve("images").resolve(kind);
    }

    /** TS_3_single, TL_3_single, TS_1_combo, ... */
    public static String partFolder(Split split, String kind, int part, boolean labels) {
        String suffix = SINGLE.equals(kind) ? "single" : "combo";
        return String.format(
                Locale.ROOT,
                "%s_%d_%s",
                labels ? split.labelPrefix : split.imagePrefix,
                part,
                suffix);
    }

    /**
     * The image of a label file: labels/ becomes images/, TL_/VL_ becomes TS_/VS_, the {@code
     * _json} suffix of the code folder goes, and .json becomes .png.
     */
    public static Path imageFor(Path labelFile, Split split) {
        Path codeFolder = labelFile.getParent();
        Path partFolder = codeFolder.getParent();
        Path kindFolder = partFolder.getParent();
        Path imagesKind =
                kindFolder
                        .getParent()
                        .getParent()
                        .resolve("images")
                        .resolve(kindFolder.getFileName());
        String part = partFolder.getFileName().toString();
        if (part.startsWith(split.labelPrefix + "_")) {
            part = split.imagePrefix + part.substring(split.labelPrefix.length());
        }
        String code = codeFolder.getFileName().toString().replaceFirst("_json$", "");
        String file = labelFile.getFileName().toString().replaceFirst("\\.json$", ".png");
        return imagesKind.resolve(part).resolve(code).resolve(file);
    }

    /**
     * The label file a photo's labels would be in (for a combination photo, the one file of all its
     * boxes; AIHub writes one file per drug in a K-code folder beside it): the reverse of {@link
     * #imageFor}.
     */
    public static Path labelFor(Path image, Split split) {
        Path codeFolder = image.getParent();
        Path partFolder = codeFolder.getParent();
        Path kindFolder = partFolder.getParent();
        Path labelsKind =
                kindFolder
                        .getParent()
                        .getParent()
                        .resolve("labels")
                        .resolve(kindFolder.getFileName());
        String part = partFolder.getFileName().toString();
        if (part.startsWith(split.imagePrefix + "_")) {
            part = split.labelPrefix + part.substring(split.imagePrefix.length());
        }
        String file = image.getFileName().toString().replaceFirst("\\.[^.]+$", ".json");
        return labelsKind.resolve(part).resolve(codeFolder.getFileName() + "_json").resolve(file);
    }

    /** The K-code a single image belongs to, from its folder name (K-000059). */
    public static String codeFolderOf(Path labelFile) {
        return labelFile.getParent().getFileName().toString().replaceFirst("_json$", "");
    }
}
