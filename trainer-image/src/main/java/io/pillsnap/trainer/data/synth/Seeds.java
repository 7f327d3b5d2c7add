package io.pillsnap.trainer.data.synth;

import java.util.SplittableRandom;

/**
 * Independent random streams of the generator. Each image draws from its own stream, derived from
 * the seed and the image's index only, so that its bytes never depend on thread scheduling.
 */
final class Seeds {

    /**
     * What a stream is used for; streams of different purposes never share values. New purposes go
     * last: a purpose's streams derive from its position, and the known drugs' photos must not
     * move.
     */
    enum Purpose {
        CATALOGUE,
        COMBINATION_SET,
        PHOTO,
        /** The drugs written only to val/, which no stage can train on. */
        UNKNOWN_CATALOGUE,
        UNKNOWN_COMBINATION_SET,
        UNKNOWN_PHOTO
    }

    private Seeds() {}

    static SplittableRandom random(long seed, Purpose purpose, long index) {
        long stream = mix(seed + 0x9E3779B97F4A7C15L * (purpose.ordinal() + 1));
        return new SplittableRandom(mix(stream ^ mix(index)));
    }

    /** The SplitMix64 finaliser: neighbouring inputs give unrelated outputs. */
    private static long mix(long value) {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
