package io.pillsnap.trainer.data.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SynthOptionsTest {

    @Test
    void defaultsAreAQuarterOfTheRealPhotoWithFamiliesOfFour() {
        SynthOptions defaults = SynthOptions.defaults();

        assertThat(defaults.width()).isEqualTo(244);
        assertThat(defaults.height()).isEqualTo(320);
        assertThat(defaults.familySize()).isEqualTo(4);
        assertThat(defaults.testFraction()).isZero();
        assertThat(defaults.unknownDrugRatio()).isEqualTo(0.2);
        assertThat(defaults.threads()).isBetween(1, 2);
        assertThat(defaults.difficulty()).isEqualTo(Difficulty.standard());
    }

    static Stream<Arguments> badOptions() {
        return Stream.of(
                bad("classes must be between 1 and 20000 (was 0)", o -> o.withClasses(0)),
                bad(
                        "imagesPerClass must be between 1 and 10000 (was 0)",
                        o -> o.withImagesPerClass(0)),
                bad(
                        "combinationFraction must be between 0 and 1 (was 1.5)",
                        o -> o.withCombinationFraction(1.5)),
                bad(
                        "testFraction must be between 0 and 0.5 (was 0.6)",
                        o -> o.withTestFraction(0.6)),
                bad(
                        "unknownDrugRatio must be between 0 and 1 (was 1.5)",
                        o -> o.withUnknownDrugRatio(1.5)),
                bad(
                        "testFraction must be between 0 and 0.5 (was NaN)",
                        o -> o.withTestFraction(Double.NaN)),
                bad("width must be between 64 and 4096 (was 32)", o -> o.withSize(32, 320)),
                bad("height must be between 64 and 4096 (was 5000)", o -> o.withSize(244, 5000)),
                bad("familySize must be between 1 and 16 (was 17)", o -> o.withFamilySize(17)),
                bad("threads must be between 1 and 64 (was 0)", o -> o.withThreads(0)),
                bad("difficulty must be set", o -> o.withDifficulty(null)),
                bad(
                        "difficulty.noiseSigma must be between 0 and 40 (was -1)",
                        o -> o.withDifficulty(new Difficulty(-1, 0, 0, 0, 0))),
                bad(
                        "difficulty.scaleJitter must be between 0 and 0.2 (was 0.5)",
                        o -> o.withDifficulty(new Difficulty(0, 0, 0, 0, 0.5))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOptions")
    void refusesBadOptionsNamingTheOptionAndItsRange(
            String message, UnaryOperator<SynthOptions> change) {
        assertThatThrownBy(() -> change.apply(SynthOptions.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aBuilderThatDoesNotNameTheUnknownDrugRatioGetsTheDefault() {
        SynthOptions built =
                SynthOptionsBuilder.builder()
                        .classes(10)
                        .imagesPerClass(5)
                        .combinationFraction(0)
                        .testFraction(0.2)
                        .width(64)
                        .height(80)
                        .familySize(2)
                        .seed(1)
                        .difficulty(Difficulty.easy())
                        .threads(1)
                        .build();

        assertThat(built.unknownDrugRatio()).isEqualTo(0.2);
    }

    @Test
    void acceptsTheRealResolution() {
        assertThat(SynthOptions.defaults().withSize(976, 1280).width()).isEqualTo(976);
    }

    private static Arguments bad(String message, UnaryOperator<SynthOptions> change) {
        return Arguments.of(message, change);
    }
}
