package io.pillsnap.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pillsnap.trainer.engine.StepPhases.Phase;
import org.junit.jupiter.api.Test;

class StepPhasesTest {

    @Test
    void offRecordsNothing() {
        StepPhases phases = StepPhases.off();

        phases.start();
        phases.end(Phase.FORWARD);
        phases.stepDone();

        assertThat(phases.steps()).isZero();
        assertThat(phases.stepMillis()).isEmpty();
    }

    @Test
    void eachStepIsTheSumOfItsPhasesAndThePhasesAreWhereTheTimeWent() throws Exception {
        StepPhases phases = new StepPhases();
        for (int step = 0; step < 3; step++) {
            phases.start();
            Thread.sleep(20);
            phases.end(Phase.FORWARD);
            phases.end(Phase.BACKWARD);
            phases.stepDone();
        }

        assertThat(phases.steps()).isEqualTo(3);
        assertThat(phases.meanMillis(Phase.FORWARD)).isGreaterThanOrEqualTo(20);
        assertThat(phases.meanMillis(Phase.BACKWARD)).isLessThan(phases.meanMillis(Phase.FORWARD));
        double[] steps = phases.stepMillis();
        double sum = 0;
        for (Phase phase : Phase.values()) {
            sum += phases.meanMillis(phase);
        }
        assertThat((steps[0] + steps[1] + steps[2]) / 3).isCloseTo(sum, within(1e-6));
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(StepPhases.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(StepPhases.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    }
}
