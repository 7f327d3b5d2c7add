package io.pillsnap.trainer.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
