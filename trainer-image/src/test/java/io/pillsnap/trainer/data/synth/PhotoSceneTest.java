package io.pillsnap.trainer.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhotoSceneTest {

    private static final DrugCatalogue CATALOGUE = DrugCatalogue.create(45, 1, 42);

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"244, 320", "122, 160", "976, 1280", "320, 244"})
    void singlePillsFillTheCloseUpAndStayInFrame(int width, int height) {
        for (int seed = 0; seed < 300; seed++) {
            SyntheticDrug drug = CATALOGUE.drug(seed % CATALOGUE.size());
            PhotoScene scene =
                    PhotoScene.single(
                            drug, width, height, Difficulty.standard(), new SplittableRandom(seed));

            PillPose pill = scene.pills().get(0);
            double shortSide = Math.min(width, height);
            assertThat(pill.length() / shortSide).isBetween(0.38, 0.66);
            assertInFrame(pill.bounds(), width, height);
        }
    }

    @Test
    void combinationPillsVaryInSizeAndLieApartOrAgainstEachOtherButNeverMostlyHidden() {
        int touching = 0;
        double shortest = Double.MAX_VALUE;
        double longest = 0;
        for (int seed = 0; seed < 200; seed++) {
            List<SyntheticDrug> drugs = new ArrayList<>();
            for (int i = 0; i < 2 + seed % 5; i++) {
                drugs.add(CATALOGUE.drug((seed + 7 * i) % 45));
            }
            PhotoScene scene =
                    PhotoScene.combination(
                            drugs, 244, 320, Difficulty.standard(), new SplittableRandom(seed));

            assertThat(scene.pills()).hasSameSizeAs(drugs);
            for (PillPose pill : scene.pills()) {
                shortest = Math.min(shortest, pill.length() / 244);
                longest = Math.max(longest, pill.length() / 244);
                assertInFrame(pill.bounds(), 244, 320);
            }
            double worst = worstOverlap(scene.pills());
            // allowance at most 0.3; the nearest try after 60 misses may exceed it a little
            assertThat(worst).as("seed %d", seed).isLessThan(0.4);
            if (worst > 0.08) {
                touching++;
            }
        }
        // pills of 78-100% of the largest drug, photos taken from 21-29% of the short side
        assertThat(shortest).isLessThan(0.19);
        assertThat(longest).isGreaterThan(0.28);
        assertThat(touching).isBetween(40, 140);
    }

    @Test
    void boxesAreTightAroundTheTurnedPill() {
        SyntheticDrug oblong =
                CATALOGUE.drugs().stream()
                        .filter(d -> d.shape() == PillShape.OBLONG)
                        .findFirst()
                        .orElseThrow();
        SyntheticDrug round =
                CATALOGUE.drugs().stream()
                        .filter(d -> d.shape() == PillShape.ROUND)
                        .findFirst()
                        .orElseThrow();

        Rectangle2D flat = new PillPose(oblong, 100, 100, 100, 0, false).bounds();
        Rectangle2D upright = new PillPose(oblong, 100, 100, 100, Math.PI / 2, false).bounds();
        Rectangle2D turnedRound = new PillPose(round, 100, 100, 100, 1.0, false).bounds();

        assertThat(flat.getWidth()).isCloseTo(100, within(0.5));
        assertThat(flat.getHeight()).isCloseTo(46, within(0.5));
        assertThat(upright.getWidth()).isCloseTo(46, within(0.5));
        assertThat(upright.getHeight()).isCloseTo(100, within(0.5));
        assertThat(turnedRound.getWidth()).isCloseTo(100, within(0.5));
        assertThat(turnedRound.getHeight()).isCloseTo(100, within(0.5));
    }

    @Test
    void showsEitherFaceAboutHalfTheTime() {
        long backs = 0;
        for (int seed = 0; seed < 400; seed++) {
            PhotoScene scene =
                    PhotoScene.single(
                            CATALOGUE.drug(0),
                            244,
                            320,
                            Difficulty.standard(),
                            new SplittableRandom(seed));
            backs += scene.pills().get(0).backSide() ? 1 : 0;
        }
        assertThat(backs).isBetween(160L, 240L);
    }

    private static void assertInFrame(Rectangle2D box, int width, int height) {
        assertThat(box.getMinX()).isGreaterThanOrEqualTo(0);
        assertThat(box.getMinY()).isGreaterThanOrEqualTo(0);
        assertThat(box.getMaxX()).isLessThanOrEqualTo(width);
        assertThat(box.getMaxY()).isLessThanOrEqualTo(height);
    }

    /** More than a third of a pill's box under another's. */
    /** Largest share of the smaller box covered by another, over all pairs. */
    private static double worstOverlap(List<PillPose> pills) {
        double worst = 0;
        for (int i = 0; i < pills.size(); i++) {
            for (int j = i + 1; j < pills.size(); j++) {
                Rectangle2D a = pills.get(i).bounds();
                Rectangle2D b = pills.get(j).bounds();
                Rectangle2D common = a.createIntersection(b);
                if (!common.isEmpty()) {
                    double smaller =
                            Math.min(a.getWidth() * a.getHeight(), b.getWidth() * b.getHeight());
                    worst = Math.max(worst, common.getWidth() * common.getHeight() / smaller);
                }
            }
        }
        return worst;
    }
}
