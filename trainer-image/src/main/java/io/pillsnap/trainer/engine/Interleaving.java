package io.pillsnap.trainer.engine;

import io.pillsnap.trainer.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Drives the task loops of a run: one loop alone, or two in turns by a ratio of steps, as the
 * reference's interleaved schedule ({@code step % (d + c) < d}: a detection step, else a
 * classification step). A task that finishes (its epochs, or early stopping) leaves the others to
 * go on alone. The turn is a function of the steps the loops have taken, so a resumed run takes the
 * turns the uninterrupted one would have. The stop signal is checked after every step and every
 * epoch; when it is set, every unfinished loop saves its last checkpoint and the run stops.
 */
public final class Interleaving {

    private final List<TaskLoop> loops;
    private final int[] shares;
    private final StopSignal stop;

    private Interleaving(List<TaskLoop> loops, int[] shares, StopSignal stop) {
        if (loops.size() != shares.length || loops.isEmpty()) {
            throw new IllegalArgumentException(
                    loops.size() + " loops, " + shares.length + " shares");
        }
        this.loops = List.copyOf(loops);
        this.shares = shares.clone();
        this.stop = stop;
    }

    /** Trains one loop to its end. */
    public static void alone(TaskLoop loop, StopSignal stop) {
        new Interleaving(List.of(loop), new int[] {1}, stop).run(null);
    }

    /**
     * Trains the loops in turns: {@code shares[i]} steps of {@code loops.get(i)}, in order,
     * repeating.
     *
     * @param turns told the task of every step, in order (tests); may be null
     */
    public static void run(
            List<TaskLoop> loops,
            int[] shares,
            StopSignal stop,
            java.util.function.Consumer<String> turns) {
        new Interleaving(loops, shares, stop).run(turns);
    }

    /**
     * The spec's {@code detection:classification} ratio, e.g. "1:2"; both at least 1.
     *
     * @return {detection steps, classification steps}
     */
    public static int[] ratio(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split(":");
        try {
            if (parts.length == 2) {
                int detection = Integer.parseInt(parts[0].trim());
                int classification = Integer.parseInt(parts[1].trim());
                if (detection >= 1 && classification >= 1) {
                    return new int[] {detection, classification};
                }
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigException(
                "spec.training.interleaveRatio is \""
                        + text
                        + "\": write detection:classification steps, both at least 1, e.g."
                        + " \"1:2\"");
    }

    private void run(java.util.function.Consumer<String> turns) {
        while (true) {
            TaskLoop loop = next();
            if (loop == null) {
                return;
            }
            if (!loop.epochComplete()) {
                loop.step();
                if (turns != null) {
                    turns.accept(loop.task());
                }
                stopIfRequested();
            }
            if (loop.epochComplete()) {
                loop.endEpoch();
                stopIfRequested();
            }
        }
    }

    /** The loop whose turn it is, or null when all are finished. */
    private TaskLoop next() {
        List<Integer> open = new ArrayList<>();
        long taken = 0;
        int cycle = 0;
        for (int i = 0; i < loops.size(); i++) {
            if (!loops.get(i).finished()) {
                open.add(i);
                taken += loops.get(i).steps();
                cycle += shares[i];
            }
        }
        if (open.isEmpty()) {
            return null;
        }
        long position = taken % cycle;
        for (int i : open) {
            if (position < shares[i]) {
                return loops.get(i);
            }
            position -= shares[i];
        }
        throw new IllegalStateException("no turn at " + taken);
    }

    private void stopIfRequested() {
        if (!stop.requested()) {
            return;
        }
        List<TaskLoop> open = loops.stream().filter(l -> !l.finished()).toList();
        open.forEach(TaskLoop::saveLast);
        String where =
                open.isEmpty()
                        ? "after the last epoch"
                        : "at "
                                + open.stream()
                                        .map(TaskLoop::position)
                                        .collect(Collectors.joining(" and "));
        String checkpoints =
                (open.isEmpty() ? loops : open)
                        .stream()
                                .map(l -> l.lastCheckpoint().toString())
                                .collect(Collectors.joining(", "));
        throw new StoppedException("stopped " + where + "; checkpoint " + checkpoints + " written");
    }
}
