package io.pillsnap.trainer.data.synth;

import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * One class of the synthetic dataset: the drug facts a label carries and how the pill looks. Drugs
 * of the same {@code family} look alike and differ only by imprint and score line.
 *
 * @param classIndex position in the catalogue, 0-based; unknown drugs (written to val/ only) number
 *     on after the known ones
 * @param color2 the second half of a capsule, else null
 * @param printBack empty when the back face is plain
 * @param scoreLine drawn on the back face, which then carries no text
 * @param relativeSize long axis relative to the largest pill, 0.78 to 1
 */
@RecordBuilder
public record SyntheticDrug(
        int classIndex,
        int family,
        String kCode,
        String ediCode,
        String name,
        String company,
        PillShape shape,
        PillColor color1,
        PillColor color2,
        String printFront,
        String printBack,
        ScoreLine scoreLine,
        double relativeSize) {}
