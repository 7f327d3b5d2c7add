package io.pillsnap.api.v1alpha1.status;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressStatusTest {

    @Test
    void summaryShowsPercentBestTop1AndTimeToGo() {
        ProgressStatus progress = ProgressStatus.of(4, 30, 0.4123, 1570L, "2026-11-24T07:00:00Z");

        assertThat(progress.display()).isEqualTo("4/30");
        assertThat(progress.summary()).isEqualTo("13%, top-1 0.412, ETA 26m10s");
    }

    @Test
    void finishedRunHasNoTimeToGo() {
        assertThat(ProgressStatus.of(30, 30, 0.9, 0L, null).summary())
                .isEqualTo("100%, top-1 0.900");
    }

    @Test
    void unknownPartsAreLeftOut() {
        ProgressStatus progress = ProgressStatus.of(0, 30, null, 7300L, null);

        assertThat(progress.summary()).isEqualTo("0%, ETA 2h01m");
        assertThat(ProgressStatus.of(null, null, null, null, null).summary()).isNull();
    }
}
