package io.pillsnap.trainer.data;

import java.nio.file.Path;

/**
 * Which photos are near-copies of each other. AIHub photographs each pill side on each background
 * under each light from many camera angles, and names the photo after all of them: {@code
 * K-000059_0_0_0_0_60_000_200.png} is the drug, four numbers for what is in front of the camera,
 * then the camera's latitude and longitude and a last number. A photo's group is the drug and the
 * first four numbers, so every camera angle of one set-up lands in one group; splitting by group
 * keeps near-copies of a training photo out of validation. Grouping coarser than the set-up is safe
 * (it only moves more look-alikes together). A name in another pattern is its own group.
 */
public final class PhotoGroups {

    /** The drug code (or hyphen-joined codes) and seven numbers. */
    private static final int FIELDS = 8;

    private static final int GROUP_FIELDS = 5;

    private PhotoGroups() {}

    public static String of(Path image) {
        String stem = image.getFileName().toString();
        int dot = stem.lastIndexOf('.');
        if (dot > 0) {
            stem = stem.substring(0, dot);
        }
        String[] fields = stem.split("_");
        if (fields.length != FIELDS || !fields[0].startsWith("K-")) {
            return stem;
        }
        for (int i = 1; i < FIELDS; i++) {
            if (!fields[i].chars().allMatch(Character::isDigit) || fields[i].isEmpty()) {
                return stem;
            }
        }
        return String.join("_", java.util.Arrays.copyOf(fields, GROUP_FIELDS));
    }
}
