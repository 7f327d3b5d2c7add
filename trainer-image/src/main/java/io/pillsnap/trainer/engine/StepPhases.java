package io.pillsnap.trainer.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the time of training steps went, by phase, step by step since the last {@link #reset()}:
 * what a profile of the step reads first (libtorch on a CPU computes each operation before
 * returning, so the wall-clock time between phases is the phases' cost).
 */
public final class StepPhases {

    /** The parts of one optimisation step, in order. */
    public enum Phase {
        /** Input tensor, forward pass and loss. */
        FORWARD,
        BACKWARD,
        /** The gradients' global norm (for clipping and the finite check). */
        CLIPPING,
        /** The optimizer's update, which also clears the gradients. */
        OPTIMIZER,
        WEIGHT_AVERAGE,
        /** Freeing the step's tensors. */
        REST
    }

    private static final int PHASES = Phase.values().length;

    private final boolean on;
    private final List<long[]> steps = new ArrayList<>();
    private long[] current = new long[PHASES];
    private long mark;

    /** Keeps every step's phases until {@link #reset()}. */
    public StepPhases() {
        this(true);
    }

    private StepPhases(boolean on) {
        this.on = on;
    }

    /** Times nothing: what a training run uses unless something asks for the phases. */
    public static StepPhases off() {
        return new StepPhases(false);
    }

    /** Starts timing a step's first phase. */
    public void start() {
        if (!on) {
            return;
        }
        current = new long[PHASES];
        mark = System.nanoTime();
    }

    /** Ends {@code phase}, begun at the last start() or end(), and begins the next one. */
    public void end(Phase phase) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        current[phase.ordinal()] += now - mark;
        mark = now;
    }

    /** Ends the step's last phase ({@link Phase#REST}) and keeps the step. */
    public void stepDone() {
        if (!on) {
            return;
        }
        end(Phase.REST);
        steps.add(current);
    }

    public int steps() {
        return steps.size();
    }

    /** Milliseconds of each finished step, in order. */
    public double[] stepMillis() {
        return steps.stream().mapToDouble(step -> Arrays.stream(step).sum() / 1e6).toArray();
    }

    /** Mean milliseconds per step of {@code phase}. */
    public double meanMillis(Phase phase) {
        return steps.stream().mapToLong(step -> step[phase.ordinal()]).average().orElse(0) / 1e6;
    }

    /** Median milliseconds per step of {@code phase}. */
    public double medianMillis(Phase phase) {
        return median(steps.stream().mapToDouble(step -> step[phase.ordinal()] / 1e6).toArray());
    }

    /** The median of {@code values}, 0 when there are none. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return 0;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** "forward 250.1 ms, backward 480.0 ms, ...": the mean per step of each phase. */
    public String describe() {
        return Arrays.stream(Phase.values())
                .map(
                        phase ->
                                String.format(
                                        Locale.ROOT,
                                        "%s %.1f ms",
                                        phase.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                                        meanMillis(phase)))
                .collect(Collectors.joining(", "));
    }

    public void reset() {
        steps.clear();
    }
}
