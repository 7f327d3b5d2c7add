package io.pillsnap.trainer.data.synth;

/**
 * How hard the photos are to read, apart from the catalogue's look-alike families.
 *
 * @param noiseSigma Gaussian pixel noise, in 0-255 grey levels
 * @param blurProbability share of photos slightly out of focus
 * @param brightnessJitter brightness shift up to this fraction of full scale, either way
 * @param contrastJitter contrast gain within 1 +- this
 * @param scaleJitter pill size within 1 +- this of the drug's own size
 */
public record Difficulty(
        double noiseSigma,
        double blurProbability,
        double brightnessJitter,
        double contrastJitter,
        double scaleJitter) {

    public Difficulty {
        SynthOptions.requireRange("difficulty.noiseSigma", noiseSigma, 0, 40);
        SynthOptions.requireRange("difficulty.blurProbability", blurProbability, 0, 1);
        SynthOptions.requireRange("difficulty.brightnessJitter", brightnessJitter, 0, 0.4);
        SynthOptions.requireRange("difficulty.contrastJitter", contrastJitter, 0, 0.5);
        SynthOptions.requireRange("difficulty.scaleJitter", scaleJitter, 0, 0.2);
    }

    /** Learnable but not trivial: imprints stay readable at 128 px through noise and blur. */
    public static Difficulty standard() {
        return new Difficulty(5, 0.25, 0.10, 0.15, 0.12);
    }

    /** Clean studio photos: no noise, blur or lighting change; sizes still vary. */
    public static Difficulty easy() {
        return new Difficulty(0, 0, 0, 0, 0.05);
    }

    public static Difficulty hard() {
        return new Difficulty(12, 0.5, 0.2, 0.3, 0.2);
    }
}
