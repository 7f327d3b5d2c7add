package io.pillsnap.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.trainer.data.Augmentation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerSettingsTest {

    private static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void automaticWorkersLeaveOneCoreBesideAGpuAndHalfBesideTheCpu() {
        TrainerSettings auto = TrainerDefaults.forStage(null, 1);

        assertThat(auto.workers()).isZero();
        assertThat(auto.forDevice(true).workers()).isEqualTo(Math.max(1, CORES - 1));
        assertThat(auto.forDevice(false).workers()).isEqualTo(Math.max(1, CORES / 2));
        assertThat(auto.forDevice(true).effectiveWorkers()).isEqualTo(Math.max(1, CORES - 1));
        // a number of workers, set or resolved, stays
        assertThat(auto.forDevice(true).forDevice(false).workers())
                .isEqualTo(Math.max(1, CORES - 1));
        // everything else is kept
        assertThat(auto.forDevice(true).imageStore()).isEqualTo(auto.imageStore());
        assertThat(auto.forDevice(true).augmentation()).isEqualTo(auto.augmentation());
    }

    @Test
    void augmentationIsPlacedOnTheDeviceBesideAGpuUnlessSaidOtherwise(@TempDir Path folder)
            throws Exception {
        Augmentation bundled = TrainerDefaults.forStage(null, 1).augmentation();
        assertThat(bundled.placement()).isEqualTo("auto");
        assertThat(bundled.onDevice(true)).isTrue();
        assertThat(bundled.onDevice(false)).isFalse();
        assertThat(withPlacement(bundled, "loader").onDevice(true)).isFalse();
        assertThat(withPlacement(bundled, "device").onDevice(false)).isTrue();

        Path defaults = folder.resolve("defaults.yaml");
        Files.writeString(
                defaults,
                bundledText().replaceFirst("(?m)^    placement: auto", "    placement: gpu"));
        assertThatThrownBy(() -> TrainerDefaults.forStage(defaults, 1))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("augmentation.placement = gpu is invalid")
                .hasMessageContaining("auto | loader | device");
    }

    private static Augmentation withPlacement(Augmentation a, String placement) {
        return new Augmentation(
                a.minCropArea(),
                a.maxAspectRatio(),
                a.rotationDegrees(),
                a.flipProbability(),
                a.brightness(),
                a.contrast(),
                a.saturation(),
                placement);
    }

    private static String bundledText() throws Exception {
        try (var in =
                TrainerDefaults.class.getResourceAsStream(
                        "/io/pillsnap/trainer/trainer-defaults.yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
