package io.pillsnap.trainer.data.synth;

import io.pillsnap.trainer.data.AihubLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One photo to write and where it goes in the AIHub layout.
 *
 * @param stream the random streams the photo draws from: the known drugs' or the unknown ones'
 * @param index position among the photos of its stream; seeds the photo's random stream
 * @param kind {@link AihubLayout#SINGLE} or {@link AihubLayout#COMBINATION}
 * @param part number of the TS_n / TL_n part folder
 * @param codeFolder K-code folder, hyphen-joined codes for a combination
 * @param drugs one drug for a single photo, two to six for a combination, sorted by K-code
 * @param number the photo's number in its file name, unique within its folder
 */
record PlannedPhoto(
        Seeds.Purpose stream,
        long index,
        AihubLayout.Split split,
        String kind,
        int part,
        String codeFolder,
        List<SyntheticDrug> drugs,
        int number) {

    boolean isCombination() {
        return AihubLayout.COMBINATION.equals(kind);
    }

    Path imageFolder(Path root) {
        return AihubLayout.imagesRoot(root, split, kind)
                .resolve(AihubLayout.partFolder(split, kind, part, false))
                .resolve(codeFolder);
    }

    Path labelFolder(Path root) {
        return AihubLayout.labelsRoot(root, split, kind)
                .resolve(AihubLayout.partFolder(split, kind, part, true))
                .resolve(codeFolder + "_json");
    }

    /**
     * Named like the real files (K-000059_0_2_0_2_70_000_200), the digits saying what the photo
     * shows: face up (0 front, 1 back), backdrop, light quadrant, blurred, pill length in percent
     * of the short side, rotation in degrees, and the photo's number.
     */
    String stem(PhotoScene scene, int shortSide) {
        PillPose first = scene.pills().get(0);
        int quadrant = Math.floorMod((int) Math.floor(scene.lightAngle() / (Math.PI / 2)), 4);
        return String.format(
                Locale.ROOT,
                "%s_%d_%d_%d_%d_%d_%03d_%03d",
                codeFolder,
                isCombination() ? 0 : first.backSide() ? 1 : 0,
                scene.backdrop().ordinal(),
                quadrant,
                scene.blurred() ? 1 : 0,
                Math.round(100 * first.length() / shortSide),
                first.degrees(),
                number);
    }
}
