package io.pillsnap.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The data/compute split an epoch's log line shows. */
class StepTimesTest {

    @Test
    void itSplitsTheEpochsTimeAndStartsTheNextFromZero() {
        StepTimes times = new StepTimes();
        times.data(1_000_000_000L);
        times.compute(3_000_000_000L);
        times.data(500_000_000L);

        assertThat(times.dataSeconds()).isEqualTo(1.5);
        assertThat(times.computeSeconds()).isEqualTo(3.0);
        assertThat(times.describe()).isEqualTo("data 1.5 s (33%), compute 3.0 s");

        times.writeAndReset(null, "", 10);
        assertThat(times.describe()).isEqualTo("data 0.0 s (0%), compute 0.0 s");
    }
}
